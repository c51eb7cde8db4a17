import { type BlockEncryptor, readU32BE, writeU32BE } from './block-cipher.js';
import { PI_FRACTION_HEX } from './blowfish-pi.js';

function initialState(): Uint32Array {
  const words = new Uint32Array(18 + 1024);
  for (let i = 0; i < words.length; i++) words[i] = parseInt(PI_FRACTION_HEX.slice(i * 8, i * 8 + 8), 16);
  return words;
}

let piWords: Uint32Array | undefined;

/** Standard Blowfish (Schneier 1993), big-endian halves, keys of 1–56 bytes (kcp-go uses 32). */
export class Blowfish implements BlockEncryptor {
  readonly blockSize = 8;
  private readonly p: Uint32Array;
  private readonly s: Uint32Array; // four 256-entry S-boxes back to back

  constructor(key: Uint8Array) {
    if (key.length < 1 || key.length > 56) throw new RangeError(`Blowfish key must be 1-56 bytes, got ${key.length}`);
    piWords ??= initialState();
    this.p = piWords.slice(0, 18);
    this.s = piWords.slice(18);
    let j = 0;
    for (let i = 0; i < 18; i++) {
      let word = 0;
      for (let b = 0; b < 4; b++) {
        word = (word << 8) | key[j]!;
        j = (j + 1) % key.length;
      }
      this.p[i] ^= word;
    }
    const lr = new Uint32Array(2);
    for (let i = 0; i < 18; i += 2) {
      this.encryptWords(lr);
      this.p[i] = lr[0]!;
      this.p[i + 1] = lr[1]!;
    }
    for (let i = 0; i < 1024; i += 2) {
      this.encryptWords(lr);
      this.s[i] = lr[0]!;
      this.s[i + 1] = lr[1]!;
    }
  }

  encryptBlock(block: Uint8Array, offset: number): void {
    const p = this.p;
    const s = this.s;
    let l = readU32BE(block, offset);
    let r = readU32BE(block, offset + 4);
    for (let i = 0; i < 16; i += 2) {
      l ^= p[i]!;
      r ^= (((s[l >>> 24]! + s[256 + ((l >>> 16) & 0xff)]!) ^ s[512 + ((l >>> 8) & 0xff)]!) + s[768 + (l & 0xff)]!) | 0;
      r ^= p[i + 1]!;
      l ^= (((s[r >>> 24]! + s[256 + ((r >>> 16) & 0xff)]!) ^ s[512 + ((r >>> 8) & 0xff)]!) + s[768 + (r & 0xff)]!) | 0;
    }
    l ^= p[16]!;
    r ^= p[17]!;
    // The final swap of the 16th round is undone, so the halves leave as (r, l).
    writeU32BE(block, offset, r);
    writeU32BE(block, offset + 4, l);
  }

  private encryptWords(lr: Uint32Array): void {
    const tmp = Blowfish.scratch;
    writeU32BE(tmp, 0, lr[0]!);
    writeU32BE(tmp, 4, lr[1]!);
    this.encryptBlock(tmp, 0);
    lr[0] = readU32BE(tmp, 0);
    lr[1] = readU32BE(tmp, 4);
  }

  private static readonly scratch = new Uint8Array(8);
}
