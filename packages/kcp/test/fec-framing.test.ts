import { describe, expect, it } from 'vitest';
import { createDatagramCipher, type NonceSource } from '../src/crypto/index.js';
import { FecDecoder, FecEncoder, classifyPlaintext, fecPaws } from '../src/fec/index.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// docs/protocol/fec.md: (3,2), block aes, headerOffset 20.
const SEGMENTS = [
  '7856341251000002e803000000000000000000000500000068656c6c6f',
  '7856341251000002e80300000100000000000000020000006869',
  '7856341251000002e80300000200000000000000080000006b63702d66656321',
].map(hex);
const DATA_FEC = [
  '00000000f1001f007856341251000002e803000000000000000000000500000068656c6c6f',
  '01000000f1001c007856341251000002e80300000100000000000000020000006869',
  '02000000f10022007856341251000002e80300000200000000000000080000006b63702d66656321',
];
const PARITY_FEC = [
  '03000000f20021007856341251000002e803000003000000000000000f0000006b6f1c4109656321',
  '04000000f20089007856341251000002e8030000040000000000000013000000621163b0064357c6',
];

function datagram(segment: Uint8Array, headerOffset: number): Uint8Array {
  const buf = new Uint8Array(1500);
  buf.set(segment, headerOffset + 8);
  return buf;
}

describe('FEC encoder (docs/protocol/fec.md, section 3)', () => {
  it('frames the worked example and emits its parity', () => {
    const enc = new FecEncoder({ dataShards: 3, parityShards: 2, headerOffset: 20, now: () => 1000 });
    const produced: string[] = [];
    SEGMENTS.forEach((segment, i) => {
      const buf = datagram(segment, 20);
      const length = 20 + 8 + segment.length;
      const parity = enc.encode(buf, length);
      produced.push(toHex(buf.subarray(20, length)));
      expect(parity).toBe(i === 2 ? 2 : 0);
    });
    expect(produced).toEqual(DATA_FEC);
    expect(enc.parityLength).toBe(20 + 8 + 32);
    expect([0, 1].map((j) => toHex(enc.parityPacket(j).subarray(20, enc.parityLength)))).toEqual(PARITY_FEC);
    expect(enc.nextSeqid).toBe(5);
  });

  it('the first group of a fresh encoder with a pause before its last shard skips parity but spends its seqids', () => {
    let now = 0;
    const enc = new FecEncoder({ dataShards: 3, parityShards: 2, headerOffset: 0, now: () => now });
    for (let i = 0; i < 3; i++) {
      now = i === 2 ? 10_000 : 100;
      expect(enc.encode(datagram(SEGMENTS[i]!, 0), 8 + SEGMENTS[i]!.length)).toBe(0);
    }
    expect(enc.nextSeqid).toBe(5);
    // Next group sent back to back gets parity.
    for (let i = 0; i < 3; i++) expect(enc.encode(datagram(SEGMENTS[i]!, 0), 8 + SEGMENTS[i]!.length)).toBe(i === 2 ? 2 : 0);
    expect(enc.nextSeqid).toBe(10);
  });

  it('dshard = 1: the very first shard never gets parity (lastDataTime starts at 0)', () => {
    const enc = new FecEncoder({ dataShards: 1, parityShards: 1, headerOffset: 0, now: () => 1_700_000_000_000 });
    expect(enc.encode(datagram(SEGMENTS[0]!, 0), 37)).toBe(0);
    expect(enc.encode(datagram(SEGMENTS[0]!, 0), 37)).toBe(1);
  });

  it('seqids wrap modulo paws', () => {
    expect(fecPaws(5)).toBe(0xffffffff);
    expect(fecPaws(13)).toBe(4294967287);
  });

  it('the full aes wire datagram for data seq0 (docs/protocol/fec.md)', () => {
    const dkey = hex('8bdc316de8f97c833aec117d9d1ed9425ec4bec18e9741f2294da38f3bb7d067');
    const nonce: NonceSource = (buf, offset) => buf.set(hex('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff'), offset);
    const cipher = createDatagramCipher('aes', dkey, { nonceSource: nonce });
    const enc = new FecEncoder({ dataShards: 3, parityShards: 2, headerOffset: cipher.headerSize });
    const buf = datagram(SEGMENTS[0]!, cipher.headerSize);
    const length = cipher.headerSize + 8 + SEGMENTS[0]!.length;
    enc.encode(buf, length);
    const n = cipher.seal(buf, length - cipher.headerSize);
    expect(toHex(buf.subarray(0, n))).toBe(
      '010ce1432444bbd3b98566850bdf52e452cd2fb8becad1b0d28f9993ee70edb59ed4ea1ca5e5ab9a547b5db1bd0ff21e1f20cb78de1dbf6b0a',
    );
  });
});

describe('FEC decoder (docs/protocol/fec.md, section 5)', () => {
  it('rebuilds seq0 and seq1 from seq2, seq3 and seq4', () => {
    const dec = new FecDecoder({ dataShards: 3, parityShards: 2 });
    expect(dec.decode(hex(DATA_FEC[2]!))).toEqual([]);
    expect(dec.decode(hex(PARITY_FEC[0]!))).toEqual([]);
    const recovered = dec.decode(hex(PARITY_FEC[1]!));
    expect(recovered.map(toHex)).toEqual([toHex(SEGMENTS[0]!), toHex(SEGMENTS[1]!)]);
    expect(dec.stats.recovered).toBe(2);
  });

  it('recovers nothing when all data arrived, ignores duplicates, drops malformed packets', () => {
    const dec = new FecDecoder({ dataShards: 3, parityShards: 2 });
    expect(dec.decode(hex(DATA_FEC[0]!))).toEqual([]);
    expect(dec.decode(hex(DATA_FEC[0]!))).toEqual([]);
    expect(dec.stats.duplicates).toBe(1);
    expect(dec.decode(hex(DATA_FEC[1]!))).toEqual([]);
    expect(dec.decode(hex(DATA_FEC[2]!))).toEqual([]);
    expect(dec.decode(hex('01000000f300'))).toEqual([]);
    expect(dec.decode(new Uint8Array(3000))).toEqual([]);
    expect(dec.stats.malformed).toBe(2);
    expect(dec.stats.recovered).toBe(0);
  });

  it('fuzz and bounded memory: random seqids and types never throw and never hold more than 8 groups', () => {
    const dec = new FecDecoder({ dataShards: 10, parityShards: 3 });
    const pkt = hex(DATA_FEC[0]!);
    let maxGroups = 0;
    for (let i = 0; i < 3000; i++) {
      const seqid = (Math.random() * 0xffffffff) >>> 0;
      pkt[0] = seqid; pkt[1] = seqid >>> 8; pkt[2] = seqid >>> 16; pkt[3] = seqid >>> 24;
      pkt[4] = Math.random() < 0.5 ? 0xf1 : 0xf2;
      expect(Array.isArray(dec.decode(pkt))).toBe(true);
      maxGroups = Math.max(maxGroups, dec.pendingGroups);
    }
    expect(maxGroups).toBeLessThanOrEqual(8);
  });

  it('an unconfigured session’s 1+1 decoder tunes itself to a 3+2 peer and then recovers', () => {
    const enc = new FecEncoder({ dataShards: 3, parityShards: 2, headerOffset: 0, now: () => 1e12 });
    const dec = FecDecoder.forUnconfiguredSession();
    expect([dec.dataShards, dec.parityShards]).toEqual([1, 1]);
    let recovered = 0;
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 3; i++) {
        const buf = datagram(SEGMENTS[i]!, 0);
        const length = 8 + SEGMENTS[i]!.length;
        const parity = enc.encode(buf, length);
        // Lose data shard 1 of every group after the decoder has tuned.
        if (!(round > 20 && i === 1)) recovered += dec.decode(buf.slice(0, length)).length;
        for (let j = 0; j < parity; j++) recovered += dec.decode(enc.parityPacket(j).slice(0, enc.parityLength)).length;
      }
    }
    expect([dec.dataShards, dec.parityShards]).toEqual([3, 2]);
    expect(dec.stats.retuned).toBe(1);
    expect(recovered).toBe(19);
  });

  it('classifies plaintexts by the marker at offset 4 (docs/protocol/kcp.md, section 6)', () => {
    expect(classifyPlaintext(hex(DATA_FEC[0]!))).toBe('fec-data');
    expect(classifyPlaintext(hex(PARITY_FEC[0]!))).toBe('fec-parity');
    expect(classifyPlaintext(hex('fffffffff3000600'))).toBe('oob');
    expect(classifyPlaintext(SEGMENTS[0]!)).toBe('kcp');
  });
});

describe('kcpFecCodec: the session hook binding', () => {
  it('is a FecCodec and round-trips the worked example with a lost shard', async () => {
    const { kcpFecCodec } = await import('../src/fec/index.js');
    const codec: import('../src/fec/contract.js').FecCodec = kcpFecCodec();
    const sender = codec.sender(3, 2, 20, 16);
    const receiver = codec.receiver(3, 2);
    const sent: Uint8Array[] = [];
    SEGMENTS.forEach((segment) => {
      const buf = datagram(segment, 20);
      const end = 28 + segment.length;
      const parity: Uint8Array[] = [];
      sender.encode(buf, 20, end, (shard, plainLength) => {
        expect(shard.length).toBeGreaterThanOrEqual(20 + plainLength + 16);
        parity.push(shard.slice(20, 20 + plainLength));
      });
      sent.push(buf.slice(20, end), ...parity); // the data datagram goes out first
    });
    expect(sent.length).toBe(5);
    const recovered: string[] = [];
    for (const packet of sent) if (packet[0] !== 0) receiver.decode(packet, (kcp) => recovered.push(toHex(kcp)));
    expect(recovered).toEqual([toHex(SEGMENTS[0]!)]);
  });
});

describe('fuzz: FecDecoder on arbitrary plaintexts', () => {
  it('random bytes and lengths, with and without valid markers, never throw and recover only well-sized shards', () => {
    for (const [d, p] of [[1, 1], [3, 2], [10, 3]] as const) {
      const dec = new FecDecoder({ dataShards: d, parityShards: p });
      for (let i = 0; i < 1500; i++) {
        const length = (Math.random() * 1600) | 0;
        const pkt = new Uint8Array(length).map(() => (Math.random() * 256) | 0);
        if (length > 6 && Math.random() < 0.8) {
          pkt[4] = Math.random() < 0.5 ? 0xf1 : 0xf2;
          pkt[5] = 0;
          pkt[1] = pkt[2] = pkt[3] = 0; // small seqids so groups actually fill up
        }
        const out = dec.decode(pkt);
        for (const r of out) expect(r.length).toBeLessThanOrEqual(1500);
      }
      expect(dec.pendingGroups).toBeLessThanOrEqual(8);
    }
  });
});
