import { describe, expect, it } from 'vitest';
import { VirtualClock, createMemoryLinkPair } from '@paqet/testkit';
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
});
