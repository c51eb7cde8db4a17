// Malformed and hostile SOCKS5 input: each case gets the reply the spec (or RFC 1928) gives,
// or a close, within the configured timeouts; the server survives and leaks no socket.
import { createServer, type AddressInfo, type Server } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DialError, DirectDialer, Socks5Server, type DatagramChannel, type Dialer } from '@paqet/proxy';
import { RawClient, closedPort, eventually, openSocketCounts, socksConnect } from './helpers.js';

const HANDSHAKE_MS = 300;
let server: Socks5Server;
let port: number;
let echo: Server;
let echoPort: number;

beforeAll(async () => {
  echo = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoPort = (echo.address() as AddressInfo).port;
  server = new Socks5Server({
    listen: '127.0.0.1:0',
    dialer: new DirectDialer({ timeoutMs: 1000 }),
    limits: { handshakeTimeoutMs: HANDSHAKE_MS, lingerMs: 200 },
  });
  port = (await server.listen()).port;
});

afterAll(async () => {
  await server.close();
  await new Promise((resolve) => echo.close(resolve));
});

const replyHead = (code: number): number[] => [5, code, 0, 1, 0, 0, 0, 0, 0, 0];

/** Sends `bytes` after a no-auth greeting and returns what the server answered before closing. */
async function requestAfterGreeting(bytes: number[]): Promise<{ reply: Buffer; closed: boolean }> {
  const client = await RawClient.open(port);
  client.write([5, 1, 0]);
  expect([...(await client.read(2))]).toEqual([5, 0]);
  client.write(bytes);
  const reply = await client.read(64, 1000);
  const closed = await client.waitClosed(1000);
  client.destroy();
  return { reply, closed };
}

describe('SOCKS5 handshake errors', () => {
  it('wrong greeting version: closed without a reply', async () => {
    const client = await RawClient.open(port);
    client.write([4, 1, 0]);
    expect(await client.waitClosed(1000)).toBe(true);
    expect((await client.read(1, 10)).length).toBe(0);
  });

  it('no acceptable method: 05 FF then close', async () => {
    const client = await RawClient.open(port);
    client.write([5, 1, 2]);
    expect([...(await client.read(2))]).toEqual([5, 0xff]);
    expect(await client.waitClosed(1000)).toBe(true);
  });

  it('wrong request version: closed without a reply', async () => {
    const { reply, closed } = await requestAfterGreeting([4, 1, 0, 1, 127, 0, 0, 1, 0, 80]);
    expect(reply.length).toBe(0);
    expect(closed).toBe(true);
  });

  it('BIND: command not supported (07)', async () => {
    const { reply, closed } = await requestAfterGreeting([5, 2, 0, 1, 127, 0, 0, 1, 0, 80]);
    expect([...reply]).toEqual(replyHead(7));
    expect(closed).toBe(true);
  });

  it('unknown address type: address type not supported (08)', async () => {
    const { reply, closed } = await requestAfterGreeting([5, 1, 0, 5, 127, 0, 0, 1, 0, 80]);
    expect([...reply]).toEqual(replyHead(8));
    expect(closed).toBe(true);
  });

  it('oversized (255-byte) name: general failure (01)', async () => {
    const name = Array.from({ length: 255 }, () => 0x61);
    const { reply } = await requestAfterGreeting([5, 1, 0, 3, 255, ...name, 0, 80]);
    expect([...reply]).toEqual(replyHead(1));
  });

  it('truncated requests: closed at the handshake timeout, no reply', async () => {
    for (const partial of [[5], [5, 1, 0], [5, 1, 0, 3, 10, 0x61, 0x62], [5, 1, 0, 1, 127, 0]]) {
      const client = await RawClient.open(port);
      const started = Date.now();
      if (partial.length === 1) client.write(partial);
      else {
        client.write([5, 1, 0]);
        await client.read(2);
        client.write(partial);
      }
      expect(await client.waitClosed(HANDSHAKE_MS + 1000)).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(HANDSHAKE_MS - 20);
      expect((await client.read(1, 10)).length).toBe(0);
    }
  });

  it('slowloris (one byte every 100 ms): cut at the handshake deadline', async () => {
    const client = await RawClient.open(port);
    const bytes = [5, 1, 0, 5, 1, 0, 3, 20, ...Array.from({ length: 20 }, () => 0x61), 0, 80];
    const started = Date.now();
    const timer = setInterval(() => {
      const next = bytes.shift();
      if (next !== undefined && !client.closed) client.write([next]);
    }, 100);
    expect(await client.waitClosed(HANDSHAKE_MS + 1000)).toBe(true);
    clearInterval(timer);
    expect(Date.now() - started).toBeLessThan(HANDSHAKE_MS + 500);
  });
});

describe('dial failures map to reply codes', () => {
  it('refused (05) from the direct dialer', async () => {
    const target = await closedPort();
    const { reply, client } = await socksConnect(port, '127.0.0.1', target);
    expect([...reply]).toEqual(replyHead(5));
    expect(await client.waitClosed(1000)).toBe(true);
  });

  it('every DialError reason from a policy dialer', async () => {
    const cases: Array<[DialError['reason'], number]> = [
      ['not-allowed', 2],
      ['network-unreachable', 3],
      ['host-unreachable', 4],
      ['refused', 5],
      ['timeout', 4],
      ['general', 1],
    ];
    for (const [reason, code] of cases) {
      const policy: Dialer = {
        dialTcp: (host: string, p: number): Promise<Duplex> => Promise.reject(new DialError(reason, `${host}:${p}`, 'policy')),
        dialUdp: (): Promise<DatagramChannel> => Promise.reject(new Error('unused')),
      };
      const strict = new Socks5Server({ listen: '127.0.0.1:0', dialer: policy });
      const { port: strictPort } = await strict.listen();
      const { reply, client } = await socksConnect(strictPort, '10.0.0.1', 80);
      expect([...reply], reason).toEqual(replyHead(code));
      client.destroy();
      expect(strict.stats.errors[reason]).toBe(1);
      await strict.close();
    }
  });
});

describe('limits and leaks', () => {
  it('2000 connections opened and abandoned are all closed; no socket leaks; server still serves', async () => {
    await eventually(() => server.connectionCount === 0);
    const base = openSocketCounts();
    const totalBefore = server.stats.totalConnections;
    const clients: RawClient[] = [];
    for (let batch = 0; batch < 20; batch++) {
      const opened = await Promise.all(Array.from({ length: 100 }, () => RawClient.open(port)));
      opened.forEach((c, i) => {
        // A mix: silent, half a greeting, greeting without a request.
        if (i % 3 === 1) c.write([5]);
        if (i % 3 === 2) c.write([5, 1, 0]);
      });
      clients.push(...opened);
    }
    // Accepts trail the clients' connects (they complete from the listen backlog).
    expect(await eventually(() => server.stats.totalConnections - totalBefore === 2000, 3000)).toBe(true);
    expect(await eventually(() => clients.every((c) => c.closed), HANDSHAKE_MS + 3000)).toBe(true);
    expect(await eventually(() => server.connectionCount === 0 && server.stats.activeConnections === 0)).toBe(true);
    const settled = await eventually(() => openSocketCounts().tcp <= base.tcp, 2000);
    expect(settled, JSON.stringify({ base, now: openSocketCounts(), open: clients.filter((c) => !c.socket.destroyed).length })).toBe(true);

    const { reply, client } = await socksConnect(port, '127.0.0.1', echoPort);
    expect(reply[1]).toBe(0);
    client.write(Buffer.from('still alive'));
    expect((await client.read(11)).toString()).toBe('still alive');
    client.destroy();
  });

  it('maxConnections: connections beyond the limit are closed at accept', async () => {
    const small = new Socks5Server({ listen: '127.0.0.1:0', dialer: new DirectDialer(), limits: { maxConnections: 10, handshakeTimeoutMs: 2000 } });
    const { port: smallPort } = await small.listen();
    const clients = await Promise.all(Array.from({ length: 20 }, () => RawClient.open(smallPort)));
    expect(await eventually(() => small.stats.rejectedConnections === 10)).toBe(true);
    expect(small.connectionCount).toBe(10);
    expect(await eventually(() => clients.filter((c) => c.closed).length === 10)).toBe(true);
    clients.forEach((c) => c.destroy());
    await small.close();
  });

  it('idle timeout closes a silent relayed connection', async () => {
    const idle = new Socks5Server({ listen: '127.0.0.1:0', dialer: new DirectDialer(), limits: { idleTimeoutMs: 200 } });
    const { port: idlePort } = await idle.listen();
    const { reply, client } = await socksConnect(idlePort, '127.0.0.1', echoPort);
    expect(reply[1]).toBe(0);
    const started = Date.now();
    expect(await client.waitClosed(2000)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(await eventually(() => idle.connectionCount === 0)).toBe(true);
    await idle.close();
  });

  it('early data sent with the request is relayed, not lost', async () => {
    const client = await RawClient.open(port);
    client.write([5, 1, 0, 5, 1, 0, 1, 127, 0, 0, 1, echoPort >> 8, echoPort & 0xff, ...Buffer.from('early')]);
    expect([...(await client.read(2))]).toEqual([5, 0]);
    expect((await client.read(10))[1]).toBe(0);
    expect((await client.read(5)).toString()).toBe('early');
    client.destroy();
  });
});
