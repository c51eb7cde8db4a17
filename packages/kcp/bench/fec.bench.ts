import { bench, describe } from 'vitest';
import { FecDecoder, FecEncoder, ReedSolomon } from '../src/fec/index.js';

/*
 * FEC 10/3 on 1400-byte datagrams. MB/s counts KCP data bytes: one "group" op moves
 * 10 × 1400 bytes, so MB/s = hz × 14000 / 1e6.
 */
const D = 10;
const P = 3;
const SIZE = 1400;

describe('Reed-Solomon 10/3, 1400-byte shards', () => {
  const rs = new ReedSolomon(D, P);
  const shards = Array.from({ length: D + P }, () => new Uint8Array(SIZE).map(() => (Math.random() * 256) | 0));
  rs.encode(shards, SIZE);
  const present = shards.map((_, i) => i >= P);
  bench('encode group', () => {
    rs.encode(shards, SIZE);
  });
  bench('reconstruct 3 lost data shards', () => {
    rs.reconstructData(shards, present, SIZE);
  });
});

describe('FecEncoder / FecDecoder 10/3, aes header offset, 1400-byte datagrams', () => {
  const encoder = new FecEncoder({ dataShards: D, parityShards: P, headerOffset: 20, now: () => 1e12 });
  const datagrams = Array.from({ length: D }, (_, k) => new Uint8Array(1500).map((_, i) => (i * 31 + k) & 0xff));
  bench('encode group (10 data shards + 3 parity)', () => {
    for (let k = 0; k < D; k++) encoder.encode(datagrams[k]!, SIZE);
  });

  // One group's FEC plaintexts with the first 3 data shards lost.
  const packets: Uint8Array[] = [];
  const source = new FecEncoder({ dataShards: D, parityShards: P, headerOffset: 0, now: () => 1e12 });
  for (let k = 0; k < D; k++) {
    const buf = datagrams[k]!.slice();
    const n = source.encode(buf, SIZE - 20);
    if (k >= P) packets.push(buf.slice(0, SIZE - 20));
    for (let j = 0; j < n; j++) packets.push(source.parityPacket(j).slice(0, source.parityLength));
  }
  const slots = packets.map((p) => p[0]!); // seqid of each packet within its group
  const decoder = new FecDecoder({ dataShards: D, parityShards: P });
  let seq = 0;
  bench('recover group (3 of 10 data shards lost)', () => {
    // Renumber into a fresh group each time so the decoder never sees duplicates.
    const base = seq;
    seq = (seq + D + P) % 0xfffffff0;
    let recovered = 0;
    for (let i = 0; i < packets.length; i++) {
      const p = packets[i]!;
      const s = base + slots[i]!;
      p[0] = s; p[1] = s >>> 8; p[2] = s >>> 16; p[3] = s >>> 24;
      recovered += decoder.decode(p).length;
    }
    if (recovered !== P) throw new Error(`recovered ${recovered}`);
  });
});
