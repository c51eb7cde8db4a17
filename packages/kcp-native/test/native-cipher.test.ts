import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadManifest, loadVectorPackets } from '@paqet/testkit';
import { createDatagramCipher, type BlockName, type NonceSource } from '@paqet/kcp/crypto';
import {
  KcpNativeError,
  NATIVE_ALGORITHMS,
  createNativeDatagramCipher,
  nativeCipherUnavailableReason,
  preferNativeCiphers,
  supportsNativeCipher,
} from '../src/index.js';
import { loadAddon } from '../src/addon.js';

const BLOCKS = Object.keys(NATIVE_ALGORITHMS) as BlockName[];
const key = randomBytes(32);

/** Replays `nonce` for every seal, so two implementations can be compared byte for byte. */
const fixedNonce = (nonce: Uint8Array): NonceSource => (buf, offset, length) => buf.set(nonce.subarray(0, length), offset);

describe('the addon', () => {
  it('is built here (the install script builds it; a missing build is a test failure, not a skip)', () => {
    expect(nativeCipherUnavailableReason()).toBeNull();
    for (const block of BLOCKS) expect(supportsNativeCipher(block)).toBe(true);
    expect(supportsNativeCipher('twofish')).toBe(false);
  });
});

describe.each(BLOCKS)('%s: the same bytes as @paqet/kcp', (block) => {
  it('seals every payload length 0..1500 to the bytes of @paqet/kcp, and each opens the other', () => {
    for (let length = 0; length <= 1500; length++) {
      const nonce = randomBytes(16);
      const ours = createNativeDatagramCipher(block, key, { nonceSource: fixedNonce(nonce) });
      const reference = createDatagramCipher(block, key, { nonceSource: fixedNonce(nonce) });
      const payload = randomBytes(length);
      // The datagram sits at every offset mod 16 in turn, as captured ones do in their frames
      // (the CRC's carry-less fold reads 16-byte blocks wherever they fall).
      const a = new Uint8Array(1600);
      const b = new Uint8Array(1600);
      const av = a.subarray(length % 16);
      const bv = b.subarray(length % 16);
      av.set(payload, 20);
      bv.set(payload, 20);
      const n = ours.seal(av, length);
      expect(n).toBe(reference.seal(bv, length));
      if (Buffer.compare(a, b) !== 0) throw new Error(`${block}: ${length}-byte payload sealed to other bytes`);
      const opened = ours.open(bv.subarray(0, n));
      const openedByReference = reference.open(av.subarray(0, n));
      if (!(opened instanceof Uint8Array) || !(openedByReference instanceof Uint8Array)) throw new Error(`${block}: ${length} bytes did not open`);
      expect(Buffer.from(opened).equals(payload)).toBe(true);
      expect(Buffer.from(openedByReference).equals(payload)).toBe(true);
    }
  });

  it('drops a datagram with a flipped bit as @paqet/kcp does, a short one as short, and touches nothing outside the view', () => {
    const cipher = createNativeDatagramCipher(block, key);
    const reference = createDatagramCipher(block, key);
    const blockSize = block === '3des' ? 8 : 16;
    const buf = new Uint8Array(200);
    buf.set(randomBytes(100), 20);
    const n = cipher.seal(buf, 100);
    const sealed = buf.slice(0, n);
    for (let bit = 0; bit < n * 8; bit += 3) {
      const frame = new Uint8Array(n + 16).fill(0xee);
      frame.set(sealed, 8);
      frame[8 + (bit >> 3)] ^= 1 << (bit & 7);
      const copy = frame.slice(8, 8 + n);
      const result = cipher.open(frame.subarray(8, 8 + n));
      const expected = reference.open(copy);
      // A flip in the first cipher block only garbles the nonce's second half: an 8-byte
      // block cipher cannot notice it (the CRC covers the payload), a 16-byte one can.
      if (bit >= blockSize * 8) expect(result).toBe('crc');
      if (typeof expected === 'string') expect(result).toBe(expected);
      else expect(result instanceof Uint8Array && Buffer.from(result).equals(Buffer.from(expected))).toBe(true);
      expect([...frame.subarray(0, 8), ...frame.subarray(8 + n)].every((x) => x === 0xee)).toBe(true);
    }
    for (let length = 0; length < 20; length++) expect(cipher.open(sealed.slice(0, length))).toBe('short');
  });

  it('checks its arguments before touching memory', () => {
    const cipher = createNativeDatagramCipher(block, key);
    expect(() => cipher.seal(new Uint8Array(100), 81)).toThrow(RangeError);
    expect(() => cipher.seal(new Uint8Array(100), -1)).toThrow(RangeError);
    expect(() => cipher.seal(new Uint8Array(100), 0.5)).toThrow(RangeError);
    expect(cipher.seal(new Uint8Array(100), 80)).toBe(100);
    expect(cipher.open(new Uint8Array(70_000))).toBe('crc');
  });
});

/** Nonces 0, 1, 2, ... (as 16-byte counters): two ciphers given fresh ones draw the same sequence. */
function countingNonces(): NonceSource {
  let n = 0;
  return (buf, offset, length) => {
    buf.fill(0, offset, offset + length);
    new DataView(buf.buffer, buf.byteOffset + offset, length).setUint32(0, n++);
  };
}

const hasAesNi = (() => {
  try {
    return /^flags\s*:.*\baes\b/m.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return false;
  }
})();

/** The lanes sealBatch may use: none (one OpenSSL call each), eight 128-bit lanes, or sixteen in 256-bit registers where the CPU has VAES. */
const LANE_MODES = ['off', 'lanes<=8', 'lanes<=16'] as const;

/** A cipher made with PAQET_KCP_NATIVE_LANES=8 when `mode` asks for the 128-bit lanes only (read at construction). */
function withLanes<T>(mode: (typeof LANE_MODES)[number], make: () => T): T {
  if (mode !== 'lanes<=8') return make();
  process.env.PAQET_KCP_NATIVE_LANES = '8';
  try {
    return make();
  } finally {
    delete process.env.PAQET_KCP_NATIVE_LANES;
  }
}

describe.each(BLOCKS.flatMap((block) => LANE_MODES.map((mode) => [block, mode] as const)))('%s sealBatch (%s)', (block, mode) => {
  const interleave = mode !== 'off';
  it('seals batches of 1..16 datagrams of mixed lengths to the bytes of one seal() each', () => {
    const stride = 1504;
    const rng = (n: number) => Math.floor(Math.random() * n);
    for (let count = 1; count <= 16; count++) {
      const batcher = withLanes(mode, () => createNativeDatagramCipher(block, key, { nonceSource: countingNonces(), interleave }));
      const reference = createDatagramCipher(block, key, { nonceSource: countingNonces() });
      const arena = new Uint8Array(stride * count + 7).subarray(7); // an odd offset
      const lengths = new Uint32Array(count);
      const expected: Buffer[] = [];
      for (let i = 0; i < count; i++) {
        // Mostly full datagrams (a bulk flush), some short ones, every residue mod 16.
        lengths[i] = i % 3 === 2 ? rng(200) : stride - 20 - rng(17);
        const payload = randomBytes(lengths[i]!);
        arena.set(payload, i * stride + 20);
        const one = new Uint8Array(stride);
        one.set(payload, 20);
        expected.push(Buffer.from(one.subarray(0, reference.seal(one, lengths[i]!))));
      }
      batcher.sealBatch(arena, stride, lengths, count);
      for (let i = 0; i < count; i++) {
        const got = Buffer.from(arena.subarray(i * stride, i * stride + 20 + lengths[i]!));
        if (!got.equals(expected[i]!)) throw new Error(`${block}: datagram ${i} of ${count} differs`);
      }
    }
    const cipher = createNativeDatagramCipher(block, key, { interleave });
    expect(cipher.interleaved).toBe(interleave && hasAesNi && block.startsWith('aes'));
  });

  it('seals batches of equal lengths (a bulk flush), every count and residue, and writes nothing between slots', () => {
    const stride = 1504;
    // Whole blocks only, a partial last block, a lone partial block, the envelope alone.
    const payloads = [1330, 1324, 1484, 1, 0, 27];
    for (const payload of payloads) {
      for (let count = 1; count <= 16; count++) {
        const batcher = withLanes(mode, () => createNativeDatagramCipher(block, key, { nonceSource: countingNonces(), interleave }));
        const reference = createDatagramCipher(block, key, { nonceSource: countingNonces() });
        const arena = new Uint8Array(stride * count).fill(0xa5);
        const lengths = new Uint32Array(count).fill(payload);
        const expected: Buffer[] = [];
        for (let i = 0; i < count; i++) {
          const bytes = randomBytes(payload);
          arena.set(bytes, i * stride + 20);
          const one = new Uint8Array(stride);
          one.set(bytes, 20);
          expected.push(Buffer.from(one.subarray(0, reference.seal(one, payload))));
        }
        batcher.sealBatch(arena, stride, lengths, count);
        for (let i = 0; i < count; i++) {
          const slot = arena.subarray(i * stride, (i + 1) * stride);
          if (!Buffer.from(slot.subarray(0, 20 + payload)).equals(expected[i]!)) throw new Error(`${block}: ${payload}-byte payload, datagram ${i} of ${count} differs`);
          if (!slot.subarray(20 + payload).every((x) => x === 0xa5)) throw new Error(`${block}: bytes after datagram ${i} of ${count} changed`);
        }
      }
    }
  });

  it('checks every bound before writing a byte', () => {
    const cipher = createNativeDatagramCipher(block, key, { interleave });
    const arena = new Uint8Array(4 * 100).fill(7);
    const lengths = Uint32Array.of(80, 80, 81, 80);
    expect(() => cipher.sealBatch(arena, 100, lengths, 4)).toThrow(/does not fit/);
    expect(() => cipher.sealBatch(arena, 100, lengths, 5)).toThrow(RangeError);
    expect(() => cipher.sealBatch(arena, 101, Uint32Array.of(80, 80, 80, 80), 4)).toThrow(RangeError);
    expect(() => cipher.sealBatch(arena, 100, Int32Array.of(80) as unknown as Uint32Array, 1)).toThrow(TypeError);
    expect(arena.every((x) => x === 7)).toBe(true);
    // The addon itself refuses the same batches (and others) before writing.
    const addon = loadAddon();
    if (typeof addon === 'string') throw new Error(addon);
    const raw = new addon.CfbEnvelope(NATIVE_ALGORITHMS[block as keyof typeof NATIVE_ALGORITHMS], block === 'aes' ? key : key.subarray(0, block === 'aes-192' || block === '3des' ? 24 : 16), interleave);
    expect(() => raw.sealBatch(arena, 100, lengths, 4)).toThrow(/does not fit/);
    expect(() => raw.sealBatch(arena, 100, lengths, 5)).toThrow(RangeError);
    expect(() => raw.sealBatch(arena, 101, Uint32Array.of(80, 80, 80, 80), 4)).toThrow(/exceed/);
    expect(() => raw.sealBatch(arena, 19, Uint32Array.of(0), 1)).toThrow(RangeError);
    expect(() => raw.sealBatch(arena, 100.5, Uint32Array.of(0), 1)).toThrow(RangeError);
    expect(() => raw.sealBatch(arena, 100, Int32Array.of(80) as unknown as Uint32Array, 1)).toThrow(TypeError);
    expect(() => raw.sealBatch(new Uint16Array(200) as unknown as Uint8Array, 100, Uint32Array.of(80), 1)).toThrow(TypeError);
    expect(arena.every((x) => x === 7)).toBe(true);
    cipher.sealBatch(arena, 100, Uint32Array.of(80, 0, 80, 80), 4);
    expect(cipher.open(arena.subarray(100, 120))).toBeInstanceOf(Uint8Array);
  });
});

describe('sealBatch with its lengths inside the arena', () => {
  it.each([true, false])('reads each length once: the CRC and ciphertext written over them change no bound (interleave %s)', (interleave) => {
    const stride = 256;
    const buffer = new ArrayBuffer(stride * 4 + 64);
    const arena = new Uint8Array(buffer, 0, stride * 4);
    // The lengths live in datagram 0's payload, which sealBatch encrypts.
    const lengths = new Uint32Array(buffer, 24, 4);
    lengths.set([236, 100, 236, 7]);
    const before = new Uint8Array(buffer.slice(0));
    const guard = new Uint8Array(buffer, stride * 4).fill(0x5a);
    const batcher = createNativeDatagramCipher('aes', key, { nonceSource: countingNonces(), interleave });
    batcher.sealBatch(arena, stride, lengths, 4);
    const reference = createDatagramCipher('aes', key, { nonceSource: countingNonces() });
    [236, 100, 236, 7].forEach((length, i) => {
      const one = new Uint8Array(stride);
      one.set(before.subarray(i * stride + 20, i * stride + 20 + length), 20);
      const n = reference.seal(one, length);
      expect(Buffer.from(arena.subarray(i * stride, i * stride + n)).equals(Buffer.from(one.subarray(0, n)))).toBe(true);
    });
    expect(guard.every((x) => x === 0x5a)).toBe(true);
  });
});

describe('golden captures of the Go program', () => {
  const manifest = loadManifest();
  const hex = (s: string | null) => Uint8Array.from(Buffer.from(s ?? '', 'hex'));
  for (const [name, entry] of Object.entries(manifest)) {
    // ping holds raw ping payloads, not datagrams.
    if (name === 'ping' || !BLOCKS.includes(entry.block as BlockName)) continue;
    it(`${name}: every captured datagram opens natively, and re-seals (seal and sealBatch) to the captured bytes`, () => {
      const block = entry.block as BlockName;
      const derived = new Uint8Array(32);
      derived.set(hex(entry.kcp_block_key_hex));
      let nonce = new Uint8Array(16);
      const opener = createNativeDatagramCipher(block, derived);
      const sealer = createNativeDatagramCipher(block, derived, { nonceSource: (buf, offset, length) => buf.set(nonce.subarray(0, length), offset) });
      const packets = loadVectorPackets(name);
      expect(packets.length).toBeGreaterThan(0);
      for (const packet of packets) {
        const datagram = packet.payload.slice();
        const plain = opener.open(datagram);
        if (typeof plain === 'string') throw new Error(`${name} #${packet.index}: dropped (${plain})`);
        nonce = datagram.slice(0, 16);
        const buf = new Uint8Array(packet.payload.length);
        buf.set(plain, 20);
        expect(sealer.seal(buf, plain.length)).toBe(packet.payload.length);
        expect(Buffer.from(buf).equals(Buffer.from(packet.payload))).toBe(true);
      }
      // sealBatch: the captured datagrams, 16 at a time, re-sealed with their own nonces.
      const stride = 1504;
      const nonces: Uint8Array[] = [];
      const batcher = createNativeDatagramCipher(block, derived, { nonceSource: (buf, offset, length) => buf.set(nonces.shift()!.subarray(0, length), offset) });
      for (let first = 0; first < packets.length; first += 16) {
        const group = packets.slice(first, first + 16);
        const arena = new Uint8Array(stride * group.length);
        const lengths = new Uint32Array(group.length);
        group.forEach((packet, i) => {
          const datagram = packet.payload.slice();
          const plain = opener.open(datagram) as Uint8Array;
          nonces.push(datagram.slice(0, 16));
          arena.set(plain, i * stride + 20);
          lengths[i] = plain.length;
        });
        batcher.sealBatch(arena, stride, lengths, group.length);
        group.forEach((packet, i) => {
          const sealed = arena.subarray(i * stride, i * stride + packet.payload.length);
          if (!Buffer.from(sealed).equals(Buffer.from(packet.payload))) throw new Error(`${name} #${packet.index}: sealBatch differs from the capture`);
        });
      }
    });
  }
});

describe('choosing', () => {
  it('createNativeDatagramCipher refuses a block it does not serve, and a short key', () => {
    expect(() => createNativeDatagramCipher('salsa20', key)).toThrow(KcpNativeError);
    expect(() => createNativeDatagramCipher('aes', new Uint8Array(16))).toThrow(/32 bytes/);
  });

  it('preferNativeCiphers falls back to @paqet/kcp for other blocks, and both kinds interoperate', () => {
    for (const block of ['aes', 'twofish', 'aes-128-gcm', 'null'] as BlockName[]) {
      const native = preferNativeCiphers(block, key)();
      const reference = createDatagramCipher(block, key);
      const buf = new Uint8Array(1500);
      buf.set(Buffer.from('hello'), native.headerSize);
      const n = native.seal(buf, 5);
      const opened = reference.open(buf.subarray(0, n));
      expect(opened instanceof Uint8Array && Buffer.from(opened).toString()).toBe('hello');
    }
  });
});
