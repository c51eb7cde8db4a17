/** Below this many bytes the word view costs more than it saves. */
const WORDS_FROM = 128;

/**
 * XORs a keystream (a fresh Buffer from a Node cipher) into a datagram four bytes at a
 * time. The keystream is first copied into scratch this instance owns, at the datagram's
 * own misalignment, so only the datagram needs a word view per call and odd offsets
 * (a captured datagram sits 66 bytes into its frame) take the same word loop after a
 * few head bytes.
 */
export class KeystreamXor {
  private bytes = new Uint8Array(0);
  private words = new Uint32Array(0);

  constructor(capacity: number) {
    this.grow(capacity);
  }

  /** dst[dstOffset, +length) ^= keystream[0, length). */
  apply(dst: Uint8Array, dstOffset: number, keystream: Uint8Array, length: number): void {
    if (length <= 0) return;
    if (dstOffset + length > dst.length || length > keystream.length) {
      throw new RangeError(`keystream XOR: ${length} bytes at ${dstOffset} exceed a ${dst.length}-byte view`);
    }
    if (length < WORDS_FROM) {
      for (let i = 0; i < length; i++) dst[dstOffset + i] ^= keystream[i]!;
      return;
    }
    const misalign = (dst.byteOffset + dstOffset) & 3;
    const head = (4 - misalign) & 3; // bytes before dst's first aligned word
    for (let i = 0; i < head; i++) dst[dstOffset + i] ^= keystream[i]!;
    // keystream[head] lands on scratch byte misalign + head, a multiple of 4.
    if (misalign + keystream.length > this.bytes.length) this.grow(misalign + keystream.length);
    this.bytes.set(keystream, misalign);
    const words = (length - head) >>> 2;
    const d32 = new Uint32Array(dst.buffer, dst.byteOffset + dstOffset + head, words);
    const k32 = this.words;
    const k0 = (misalign + head) >>> 2;
    for (let w = 0; w < words; w++) d32[w] ^= k32[k0 + w]!;
    for (let i = head + (words << 2); i < length; i++) dst[dstOffset + i] ^= keystream[i]!;
  }

  private grow(capacity: number): void {
    const buffer = new ArrayBuffer((capacity + 3) & ~3);
    this.bytes = new Uint8Array(buffer);
    this.words = new Uint32Array(buffer);
  }
}
