// TCP and UDP port forwards through the direct dialer, with curl and a real UDP echo.
import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectDialer, TcpForward, UdpForward } from '@paqet/proxy';
import { RawClient, closedPort, curl, eventually, sha256, startBodyServer, startUdpEcho, type BodyServer, type UdpEcho } from './helpers.js';

let origin: BodyServer;
let echo: UdpEcho;

beforeAll(async () => {
  origin = await startBodyServer();
  echo = await startUdpEcho();
});

afterAll(async () => {
  await origin.close();
  await echo.close();
});

describe('TcpForward', () => {
  it('carries a 10 MB HTTP body intact and closes its connections', async () => {
    const forward = new TcpForward({ listen: '127.0.0.1:0', target: `127.0.0.1:${origin.port}`, dialer: new DirectDialer() });
    const { port } = await forward.listen();
    const result = await curl([`http://127.0.0.1:${port}/`]);
    expect(result.code).toBe(0);
    expect(sha256(result.body)).toBe(origin.sha256);
    expect(await eventually(() => forward.connectionCount === 0)).toBe(true);
    expect(forward.stats.bytesDown).toBeGreaterThan(10 * 1024 * 1024);
    await forward.close();
  });

  it('closes the local connection when the target refuses, counting the reason', async () => {
    const forward = new TcpForward({ listen: '127.0.0.1:0', target: `127.0.0.1:${await closedPort()}`, dialer: new DirectDialer() });
    const { port } = await forward.listen();
    const client = await RawClient.open(port);
    expect(await client.waitClosed(1000)).toBe(true);
    expect(forward.stats.errors.refused).toBe(1);
    await forward.close();
  });
});

describe('UdpForward', () => {
  it('keeps one session per source, relays both ways, expires idle sessions, drops oversize datagrams', async () => {
    const forward = new UdpForward({
      listen: '127.0.0.1:0',
      target: `127.0.0.1:${echo.port}`,
      dialer: new DirectDialer(),
      limits: { udpIdleTimeoutMs: 300 },
    });
    const { port } = await forward.listen();
    const sources = [createSocket('udp4'), createSocket('udp4')];
    await Promise.all(sources.map((s) => new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve))));
    const exchange = (socket: (typeof sources)[number], payload: Buffer, waitMs = 1000): Promise<Buffer | null> =>
      new Promise((resolve) => {
        const timer = setTimeout(() => resolve(null), waitMs);
        socket.once('message', (datagram) => {
          clearTimeout(timer);
          resolve(datagram);
        });
        socket.send(payload, port, '127.0.0.1');
      });

    for (const [i, socket] of sources.entries()) {
      for (const size of [1, 512, 4096]) {
        const payload = Buffer.alloc(size, i + 1);
        expect((await exchange(socket, payload))?.equals(payload)).toBe(true);
      }
    }
    expect(forward.sessionCount).toBe(2);
    expect(forward.stats.activeUdpFlows).toBe(2);
    expect(await exchange(sources[0], Buffer.alloc(4097), 200)).toBeNull();
    expect(forward.stats.datagramsDropped).toBe(1);
    expect(await eventually(() => forward.sessionCount === 0 && forward.stats.activeUdpFlows === 0, 2000)).toBe(true);
    expect((await exchange(sources[1], Buffer.from('again')))?.toString()).toBe('again');

    sources.forEach((s) => s.close());
    await forward.close();
    expect(forward.stats.activeUdpFlows).toBe(0);
  });
});
