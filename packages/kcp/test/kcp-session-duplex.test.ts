/**
 * KcpSession behaves like a net.Socket: 'connect', Duplex reads and writes with
 * backpressure, end() after the peer acknowledged everything, destroy(), setTimeout's
 * 'timeout', addresses; and smux runs over any Duplex, here a real TCP connection.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer as createTcpServer, connect as tcpConnect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SeededRandom, VirtualClock, createMemoryLinkPair } from '@paqet/testkit';
import { KcpError, SmuxSession, connect, createServer, deriveKey, type KcpSession, type SmuxStream } from '@paqet/kcp';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('KcpSession as a Duplex', () => {
  it("emits 'connect', reports addresses, and pipes 1 MB both ways with backpressure (UDP, aes)", async () => {
    const server = createServer({ block: 'aes', key: 'duplex' }, (s) => s.pipe(s));
    await once(server.listen(0, '127.0.0.1'), 'listening');
    const port = server.address()!.port;
    const client = connect({ host: '127.0.0.1', port, block: 'aes', key: 'duplex' });
    expect(client.connecting).toBe(true);
    await once(client, 'connect');
    expect(client.connecting).toBe(false);
    expect([client.remoteAddress, client.remotePort, client.remoteFamily]).toEqual(['127.0.0.1', port, 'IPv4']);
    expect(client.localPort).toBeGreaterThan(0);
    const data = Buffer.from(new SeededRandom(4).fill(new Uint8Array(1 << 20)));
    const parts: Buffer[] = [];
    let got = 0;
    const done = new Promise<void>((resolve) =>
      client.on('data', (d: Buffer) => {
        parts.push(d);
        got += d.length;
        if (got >= data.length) resolve();
      }),
    );
    let sawBackpressure = false;
    for (let off = 0; off < data.length; off += 16384) {
      if (!client.write(data.subarray(off, off + 16384))) {
        sawBackpressure = true;
        await once(client, 'drain');
      }
    }
    await done;
    expect(sha(Buffer.concat(parts))).toBe(sha(data));
    expect(sawBackpressure).toBe(true);
    client.destroy();
    await once(client, 'close');
    server.close();
  }, 30_000);

  it('end() closes once the peer acknowledged every byte; writes after it fail', async () => {
    const clock = new VirtualClock();
    const link = createMemoryLinkPair({ seed: 1, scheduler: clock, conditions: { delayMs: 10, loss: 0.2 } });
    const key = deriveKey('end');
    const received: Buffer[] = [];
    const server = createServer({ block: 'aes', key, clock }, (s) => s.on('data', (d: Buffer) => received.push(d))).listen({ conn: link.b });
    const client = connect({ conn: link.a, remote: link.bEndpoint, block: 'aes', key, clock });
    const data = Buffer.from(new SeededRandom(9).fill(new Uint8Array(200_000)));
    let closed = false;
    client.on('close', () => (closed = true));
    client.end(data);
    expect(await clock.runUntil(() => closed, 60_000)).toBe(true);
    expect(sha(Buffer.concat(received))).toBe(sha(data));
    const err = await new Promise<Error | null | undefined>((r) => client.write('late', r));
    expect(err?.message).toMatch(/write after end|destroyed/);
    server.close();
  });

  it("setTimeout emits 'timeout' after idle time, once per idle period", async () => {
    const clock = new VirtualClock();
    const link = createMemoryLinkPair({ seed: 2, scheduler: clock });
    const client = connect({ conn: link.a, remote: link.bEndpoint, block: 'null', clock });
    let timeouts = 0;
    client.setTimeout(5000);
    client.on('timeout', () => timeouts++);
    await clock.advance(4000);
    expect(timeouts).toBe(0);
    await clock.advance(20_000);
    expect(timeouts).toBe(1);
    client.write('x'); // activity re-arms it
    await clock.advance(6000);
    expect(timeouts).toBe(2);
    client.destroy();
  });

  it('a missing key is a typed error', () => {
    expect(() => connect({ host: '127.0.0.1', port: 1, block: 'aes' })).toThrow(KcpError);
    try {
      connect({ host: '127.0.0.1', port: 1, block: 'aes' });
    } catch (err) {
      expect((err as KcpError).code).toBe('PAQET_ERR_KCP_KEY');
    }
  });
});

describe('smux over any Duplex', () => {
  it('runs over a real TCP connection: 4 streams x 256 KB echoed, by sha256', async () => {
    const tcp = createTcpServer((sock: Socket) => SmuxSession.server(sock).on('stream', (s: SmuxStream) => s.pipe(s)));
    await once(tcp.listen(0, '127.0.0.1'), 'listening');
    const sock = tcpConnect((tcp.address() as { port: number }).port, '127.0.0.1');
    await once(sock, 'connect');
    const mux = SmuxSession.client(sock);
    const ok = await Promise.all(
      [1, 2, 3, 4].map(async (seed) => {
        const data = Buffer.from(new SeededRandom(seed).fill(new Uint8Array(256 * 1024)));
        const s = mux.openStream();
        const parts: Buffer[] = [];
        s.on('data', (d: Buffer) => parts.push(d));
        s.end(data);
        await once(s, 'end');
        return sha(Buffer.concat(parts)) === sha(data);
      }),
    );
    expect(ok).toEqual([true, true, true, true]);
    mux.close();
    tcp.close();
  });

  it("a KcpSession's close ends its smux session with a typed reason", async () => {
    const clock = new VirtualClock();
    const link = createMemoryLinkPair({ seed: 3, scheduler: clock });
    const kcp: KcpSession = connect({ conn: link.a, remote: link.bEndpoint, block: 'null', clock });
    const mux = SmuxSession.client(kcp, { clock });
    await clock.advance(10);
    const reason = new Promise<Error & { code: string }>((r) => mux.once('close', r));
    kcp.destroy();
    expect((await reason).code).toBe('PAQET_ERR_SMUX_TRANSPORT_CLOSED');
  });
});
