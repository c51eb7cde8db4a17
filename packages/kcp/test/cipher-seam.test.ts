import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SeededRandom, VirtualClock, createMemoryLinkPair } from '@paqet/testkit';
import { connect, createServer, deriveKey, KcpError } from '@paqet/kcp';
import { createDatagramCipher, type DatagramCipher } from '@paqet/kcp/crypto';

/** @paqet/kcp's aes cipher, counting what passes through it: another implementation of the same bytes. */
function countingAes(key: Uint8Array, counts: { created: number; sealed: number; opened: number }): () => DatagramCipher {
  return () => {
    counts.created++;
    const inner = createDatagramCipher('aes', key);
    return {
      block: inner.block,
      headerSize: inner.headerSize,
      trailerSize: inner.trailerSize,
      seal: (buf, n) => (counts.sealed++, inner.seal(buf, n)),
      open: (d) => (counts.opened++, inner.open(d)),
    };
  };
}

describe('CipherOptions.createCipher: a session seals with the cipher it is given', () => {
  it('a client with its own aes implementation talks to a server with the built-in one', async () => {
    const clock = new VirtualClock();
    const link = createMemoryLinkPair({ seed: 3, scheduler: clock, conditions: { delayMs: 5 } });
    const key = deriveKey('seam');
    const counts = { created: 0, sealed: 0, opened: 0 };
    // block and key are not read when createCipher is given: a wrong block here proves it.
    const client = connect({ conn: link.a, remote: link.bEndpoint, block: 'null', createCipher: countingAes(key, counts), clock });
    const listener = createServer({ block: 'aes', key, clock }).listen({ conn: link.b });
    let echoed = '';
    listener.on('session', (s) => s.on('data', (c: Buffer) => s.write(c)));
    client.on('data', (c: Buffer) => (echoed += c.toString()));
    client.write(Buffer.from('through the caller cipher'));
    expect(await clock.runUntil(() => echoed.length >= 25, 5000)).toBe(true);
    expect(echoed).toBe('through the caller cipher');
    expect(counts.created).toBeGreaterThanOrEqual(1);
    expect(counts.sealed).toBeGreaterThan(0);
    expect(counts.opened).toBeGreaterThan(0);
    expect(listener.drops.crc).toBe(0);
    client.destroy();
    listener.close();
  });

  it('a factory that returns no cipher fails at setup, not on the first datagram', () => {
    const clock = new VirtualClock();
    const link = createMemoryLinkPair({ seed: 4, scheduler: clock });
    const bad = () => ({}) as DatagramCipher;
    expect(() => createServer({ createCipher: bad, clock }).listen({ conn: link.b })).toThrow(KcpError);
    expect(() => connect({ conn: link.a, remote: link.bEndpoint, createCipher: bad, clock })).toThrow(KcpError);
  });

  for (const fec of [false, true]) {
    it(`a cipher with sealBatch gets each flush's datagrams together; 1 MB each way intact over 5% loss${fec ? ' with FEC 10/3' : ''}`, async () => {
      const clock = new VirtualClock();
      const link = createMemoryLinkPair({ seed: 8, scheduler: clock, conditions: { loss: 0.05, delayMs: 10 } });
      const key = deriveKey('batch');
      const batches: number[] = [];
      const batching = (): DatagramCipher => {
        const inner = createDatagramCipher('aes', key);
        return {
          block: inner.block,
          headerSize: inner.headerSize,
          trailerSize: inner.trailerSize,
          seal: (buf, n) => inner.seal(buf, n),
          open: (d) => inner.open(d),
          // The same bytes as seal(), one slot at a time: what the session sends must not change.
          sealBatch(arena, stride, lengths, count) {
            batches.push(count);
            for (let i = 0; i < count; i++) inner.seal(arena.subarray(i * stride, (i + 1) * stride), lengths[i]!);
          },
        };
      };
      const shards = fec ? { dshard: 10, pshard: 3 } : {};
      const client = connect({ conn: link.a, remote: link.bEndpoint, createCipher: batching, clock, ...shards });
      const listener = createServer({ block: 'aes', key, clock, ...shards }).listen({ conn: link.b });
      const data = new SeededRandom(9).fill(new Uint8Array(1 << 20));
      const atServer: Buffer[] = [];
      const atClient: Buffer[] = [];
      let got = 0;
      listener.on('session', (s) =>
        s.on('data', (c: Buffer) => {
          atServer.push(Buffer.from(c));
          s.write(c);
        }),
      );
      client.on('data', (c: Buffer) => {
        atClient.push(Buffer.from(c));
        got += c.length;
      });
      client.write(data);
      expect(await clock.runUntil(() => got >= data.length, 600_000)).toBe(true);
      const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
      expect(sha(Buffer.concat(atServer))).toBe(sha(data));
      expect(sha(Buffer.concat(atClient))).toBe(sha(data));
      expect(Math.max(...batches)).toBeGreaterThan(1);
      expect(listener.drops.crc).toBe(0);
      expect(client.stats().datagramsOut).toBe(batches.reduce((a, b) => a + b, 0));
      client.destroy();
      listener.close();
    });
  }

  it('staging costs no time: ACKs that input() flushes itself leave at once, a one-way 2 MB through 128-segment windows takes as long as without sealBatch', async () => {
    const key = deriveKey('timing');
    const run = async (batch: boolean): Promise<number> => {
      const clock = new VirtualClock();
      const link = createMemoryLinkPair({ seed: 2, scheduler: clock, conditions: { delayMs: 10 } });
      const create = (): DatagramCipher => {
        const inner = createDatagramCipher('aes', key);
        const cipher: DatagramCipher = { block: inner.block, headerSize: 20, trailerSize: 0, seal: (b, n) => inner.seal(b, n), open: (d) => inner.open(d) };
        if (batch) cipher.sealBatch = (arena, stride, lengths, count) => {
          for (let i = 0; i < count; i++) inner.seal(arena.subarray(i * stride), lengths[i]!);
        };
        return cipher;
      };
      const client = connect({ conn: link.a, remote: link.bEndpoint, createCipher: create, clock, sndwnd: 128, rcvwnd: 128 });
      const listener = createServer({ createCipher: create, clock, sndwnd: 128, rcvwnd: 128 }).listen({ conn: link.b });
      let got = 0;
      listener.on('session', (s) => s.on('data', (c: Buffer) => (got += c.length)));
      client.write(new Uint8Array(2 << 20));
      expect(await clock.runUntil(() => got >= 2 << 20, 600_000)).toBe(true);
      const elapsed = clock.now();
      client.destroy();
      listener.close();
      return elapsed;
    };
    const plain = await run(false);
    const batched = await run(true);
    expect(batched).toBeLessThanOrEqual(plain * 1.05 + 5);
  });
});
