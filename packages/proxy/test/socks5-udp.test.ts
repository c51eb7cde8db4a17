// UDP ASSOCIATE with a small RFC 1928 UDP client against a real UDP echo.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectDialer, Socks5Server } from '@paqet/proxy';
import { encodeUdpHeader, parseUdpHeader } from '@paqet/proxy/socks5';
import { RawClient, eventually, openSocketCounts, startUdpEcho, type UdpEcho } from './helpers.js';

let echo: UdpEcho;
let server: Socks5Server;
let proxyPort: number;

beforeAll(async () => {
  echo = await startUdpEcho();
  server = new Socks5Server({ listen: '127.0.0.1:0', dialer: new DirectDialer(), limits: { udpIdleTimeoutMs: 300 } });
  proxyPort = (await server.listen()).port;
});

afterAll(async () => {
  await server.close();
  await echo.close();
});

interface Association {
  control: RawClient;
  udp: UdpSocket;
  relayPort: number;
  reply: Buffer;
  /** Sends a SOCKS UDP datagram to host:port and resolves with the next datagram received (or null). */
  exchange(host: string, port: number, payload: Buffer, raw?: Buffer, waitMs?: number): Promise<Buffer | null>;
}

async function associate(): Promise<Association> {
  const udp = createSocket('udp4');
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
  const control = await RawClient.open(proxyPort);
  control.write([5, 1, 0]);
  expect([...(await control.read(2))]).toEqual([5, 0]);
  // Announce our exact UDP source, as a well-behaved client does.
  const ourPort = udp.address().port;
  control.write([5, 3, 0, 1, 127, 0, 0, 1, ourPort >> 8, ourPort & 0xff]);
  const reply = await control.read(10);
  const relayPort = reply.readUInt16BE(8);
  const exchange = (host: string, port: number, payload: Buffer, raw?: Buffer, waitMs = 500): Promise<Buffer | null> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        udp.off('message', onMessage);
        resolve(null);
      }, waitMs);
      const onMessage = (datagram: Buffer): void => {
        clearTimeout(timer);
        resolve(datagram);
      };
      udp.once('message', onMessage);
      udp.send(raw ?? Buffer.concat([encodeUdpHeader(host, port), payload]), relayPort, '127.0.0.1');
    });
  return { control, udp, relayPort, reply, exchange };
}

describe('SOCKS5 UDP ASSOCIATE', () => {
  it('replies with the relay address on the control connection’s local IP', async () => {
    const a = await associate();
    expect([...a.reply.subarray(0, 8)]).toEqual([5, 0, 0, 1, 127, 0, 0, 1]);
    expect(a.relayPort).toBeGreaterThan(0);
    a.control.destroy();
    a.udp.close();
  });

  it('relays datagrams both ways with the destination header on replies', async () => {
    const a = await associate();
    for (const size of [1, 100, 1400, 4096]) {
      const payload = Buffer.alloc(size, size & 0xff);
      const reply = await a.exchange('127.0.0.1', echo.port, payload);
      expect(reply).not.toBeNull();
      const header = parseUdpHeader(reply!)!;
      expect(header).toMatchObject({ fragment: 0, host: '127.0.0.1', port: echo.port });
      expect(reply!.subarray(header.length).equals(payload)).toBe(true);
    }
    // A domain destination keeps its domain header on replies.
    const reply = await a.exchange('localhost', echo.port, Buffer.from('by name'));
    expect(reply).not.toBeNull();
    const header = parseUdpHeader(reply!)!;
    expect(header).toMatchObject({ type: 3, host: 'localhost', port: echo.port });
    expect(reply!.subarray(header.length).toString()).toBe('by name');
    a.control.destroy();
    a.udp.close();
  });

  it('drops fragments, oversize payloads, truncated headers and foreign sources', async () => {
    const a = await associate();
    const dropped = server.stats.datagramsDropped;
    const fragment = Buffer.concat([encodeUdpHeader('127.0.0.1', echo.port), Buffer.from('frag')]);
    fragment[2] = 1;
    expect(await a.exchange('', 0, Buffer.alloc(0), fragment, 150)).toBeNull();
    expect(await a.exchange('127.0.0.1', echo.port, Buffer.alloc(4097), undefined, 150)).toBeNull();
    expect(await a.exchange('', 0, Buffer.alloc(0), Buffer.from([0, 0, 0, 1, 127, 0]), 150)).toBeNull();
    expect(await a.exchange('', 0, Buffer.alloc(0), Buffer.from([0, 0, 0, 9, 1, 2, 3, 4, 0, 80, 1]), 150)).toBeNull();
    const stranger = createSocket('udp4');
    await new Promise<void>((resolve) => stranger.bind(0, '127.0.0.1', resolve));
    stranger.send(Buffer.concat([encodeUdpHeader('127.0.0.1', echo.port), Buffer.from('x')]), a.relayPort, '127.0.0.1');
    await eventually(() => server.stats.datagramsDropped >= dropped + 5, 1000);
    expect(server.stats.datagramsDropped).toBe(dropped + 5);
    stranger.close();
    a.control.destroy();
    a.udp.close();
  });

  it('expires idle destinations and reopens on the next datagram', async () => {
    const a = await associate();
    expect(await a.exchange('127.0.0.1', echo.port, Buffer.from('one'))).not.toBeNull();
    expect(server.stats.activeUdpFlows).toBe(1);
    expect(await eventually(() => server.stats.activeUdpFlows === 0, 2000)).toBe(true);
    expect((await a.exchange('127.0.0.1', echo.port, Buffer.from('two')))?.subarray(10).toString()).toBe('two');
    a.control.destroy();
    a.udp.close();
  });

  it('ends the association, its relay socket and its flows with the control connection', async () => {
    // Let the earlier tests' sockets finish closing before taking the baseline.
    await eventually(() => server.connectionCount === 0 && server.stats.activeUdpFlows === 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const base = openSocketCounts();
    const a = await associate();
    expect(await a.exchange('127.0.0.1', echo.port, Buffer.from('hi'))).not.toBeNull();
    expect(openSocketCounts().udp).toBeGreaterThanOrEqual(base.udp + 3); // client, relay, dialed socket
    a.control.destroy();
    expect(await eventually(() => server.connectionCount === 0 && server.stats.activeUdpFlows === 0)).toBe(true);
    expect(await a.exchange('127.0.0.1', echo.port, Buffer.from('late'), undefined, 200)).toBeNull();
    a.udp.close();
    expect(await eventually(() => openSocketCounts().udp <= base.udp && openSocketCounts().tcp <= base.tcp)).toBe(true);
  });
});
