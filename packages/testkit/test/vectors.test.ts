import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GOLDEN, goldenPayload, loadVectorPackets, vectorNames } from '../src/index.js';

describe('golden vectors', () => {
  it('has all 17 captures', () => {
    expect(vectorNames()).toHaveLength(17);
  });
  it('rebuilds the golden payload', () => {
    expect(createHash('sha256').update(goldenPayload()).digest('hex')).toBe(GOLDEN.payloadSha256);
  });
  it('cuts TCP payloads from every frame', () => {
    const pkts = loadVectorPackets('ping');
    expect(pkts.map((p) => Buffer.from(p.payload).toString())).toEqual(['PING', 'paqet-golden-ping']);
  });
});
