/**
 * The default nonce source: one CSPRNG pool shared by every cipher of the process. Whatever
 * the mix of sources and lengths, no byte of the pool is handed out twice (a repeated GCM
 * nonce under one key would be fatal), across refills too.
 */
import { describe, expect, it } from 'vitest';
import { pooledRandomNonces } from '@paqet/kcp/crypto';

describe('pooled random nonces', () => {
  it('never hands out the same nonce twice across sources and refills (20,000 draws, over 4 pools)', () => {
    const a = pooledRandomNonces();
    const b = pooledRandomNonces();
    const seen = new Set<string>();
    const buf = new Uint8Array(40);
    for (let i = 0; i < 20_000; i++) {
      const length = i % 3 === 0 ? 12 : 16; // GCM and CRC-envelope nonces interleaved
      (i % 2 === 0 ? a : b)(buf, 7, length);
      const text = Buffer.from(buf.subarray(7, 7 + length)).toString('hex');
      expect(seen.has(text)).toBe(false);
      seen.add(text);
    }
    expect(seen.size).toBe(20_000);
  });

  it('writes only its window, and serves a request larger than the pool', () => {
    const draw = pooledRandomNonces();
    const small = new Uint8Array(32).fill(0xaa);
    draw(small, 8, 16);
    expect([...small.subarray(0, 8), ...small.subarray(24)].every((x) => x === 0xaa)).toBe(true);
    const large = new Uint8Array(200_000);
    draw(large, 0, large.length);
    expect(large.subarray(150_000).some((x) => x !== 0)).toBe(true);
  });
});
