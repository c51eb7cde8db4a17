import { randomBytes } from 'node:crypto';
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
      // The datagram sits at an odd offset, as a captured one does in its frame.
      const a = new Uint8Array(1600);
      const b = new Uint8Array(1600);
      const av = a.subarray(3);
      const bv = b.subarray(3);
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

describe('golden captures of the Go program', () => {
  const manifest = loadManifest();
  const hex = (s: string | null) => Uint8Array.from(Buffer.from(s ?? '', 'hex'));
  for (const [name, entry] of Object.entries(manifest)) {
    // ping holds raw ping payloads, not datagrams.
    if (name === 'ping' || !BLOCKS.includes(entry.block as BlockName)) continue;
    it(`${name}: every captured datagram opens natively, and re-seals to the captured bytes`, () => {
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
