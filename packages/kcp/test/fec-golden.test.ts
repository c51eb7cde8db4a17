import { describe, expect, it } from 'vitest';
import { loadManifest, loadVectorPackets } from '@paqet/testkit';
import { createDatagramCipher } from '../src/crypto/index.js';
import { FecDecoder, FecEncoder, ReedSolomon, fecSeqid } from '../src/fec/index.js';
import { FEC_TYPE_DATA } from '../src/fec/contract.js';

const entry = loadManifest()['fec-aes']!;
const D = entry.dshard;
const P = entry.pshard;
const N = D + P;

/** Server→client FEC plaintexts of fec-aes.pcap by seqid. */
function serverShards(): Map<number, Uint8Array> {
  const cipher = createDatagramCipher('aes', Uint8Array.from(Buffer.from(entry.kcp_block_key_hex, 'hex')));
  const bySeqid = new Map<number, Uint8Array>();
  for (const packet of loadVectorPackets('fec-aes')) {
    if (packet.fromClient) continue;
    const plaintext = cipher.open(packet.payload.slice());
    if (typeof plaintext === 'string') throw new Error(`packet ${packet.index} dropped: ${plaintext}`);
    bySeqid.set(fecSeqid(plaintext), plaintext.slice());
  }
  return bySeqid;
}

function* subsets(n: number, maxSize: number, from = 0, chosen: number[] = []): Generator<number[]> {
  if (chosen.length > 0) yield chosen;
  if (chosen.length === maxSize) return;
  for (let i = from; i < n; i++) yield* subsets(n, maxSize, i + 1, [...chosen, i]);
}

describe('fec-aes.pcap (10 data + 3 parity)', () => {
  const shards = serverShards();
  const groups = [0, 1, 2];

  it('holds three full groups and data 39-40, as the vectors README says', () => {
    expect([D, P]).toEqual([10, 3]);
    expect([...shards.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 41 }, (_, i) => i));
    for (const [seqid, s] of shards) expect(s[4]).toBe(seqid % N < D ? 0xf1 : 0xf2);
  });

  it('every parity shard we compute equals the captured one (ReedSolomon directly)', () => {
    const rs = new ReedSolomon(D, P);
    for (const g of groups) {
      const data = Array.from({ length: D }, (_, k) => shards.get(g * N + k)!.subarray(6));
      const length = Math.max(...data.map((s) => s.length));
      const regions = [...data.map((s) => { const r = new Uint8Array(length); r.set(s); return r; }),
        ...Array.from({ length: P }, () => new Uint8Array(length))];
      rs.encode(regions, length);
      for (let j = 0; j < P; j++) {
        const captured = shards.get(g * N + D + j)!;
        expect(captured.length - 6).toBe(length);
        expect(Buffer.from(regions[D + j]!).equals(Buffer.from(captured.subarray(6)))).toBe(true);
      }
    }
  });

  it('our FecEncoder, fed the captured KCP bytes, reproduces every data header and parity packet', () => {
    const enc = new FecEncoder({ dataShards: D, parityShards: P, headerOffset: 20, now: () => 5_000 });
    for (let seqid = 0; seqid < 41; seqid++) {
      const captured = shards.get(seqid)!;
      if (captured[4] !== FEC_TYPE_DATA) continue;
      const buf = new Uint8Array(1500);
      buf.set(captured.subarray(8), 28);
      const count = enc.encode(buf, 20 + captured.length);
      expect(Buffer.from(buf.subarray(20, 20 + captured.length)).equals(Buffer.from(captured))).toBe(true);
      for (let j = 0; j < count; j++) {
        const parity = enc.parityPacket(j).subarray(20, enc.parityLength);
        expect(Buffer.from(parity).equals(Buffer.from(shards.get(seqid + 1 + j)!))).toBe(true);
      }
    }
  });

  it('deleting any set of up to 3 data shards of a group and decoding gives the originals back', () => {
    let cases = 0;
    for (const g of groups) {
      for (const lost of subsets(D, P)) {
        const dec = new FecDecoder({ dataShards: D, parityShards: P });
        const got: string[] = [];
        for (let i = 0; i < N; i++) {
          if (lost.includes(i)) continue;
          for (const r of dec.decode(shards.get(g * N + i)!)) got.push(Buffer.from(r).toString('hex'));
        }
        const expected = lost.map((k) => Buffer.from(shards.get(g * N + k)!.subarray(8)).toString('hex'));
        expect(got).toEqual(expected);
        cases++;
      }
    }
    expect(cases).toBe(3 * (10 + 45 + 120));
  });
});
