/**
 * dst[dstOffset, +length) ^= src[srcOffset, +length), four bytes at a time. Captured
 * datagrams start at odd offsets (66 bytes of headers), where typed-array words cannot be
 * used; DataView words there are still about 3x faster than a byte loop.
 */
export function xorAt(dst: Uint8Array, dstOffset: number, src: Uint8Array, srcOffset: number, length: number): void {
  if (length <= 0) return;
  if (dstOffset + length > dst.length || srcOffset + length > src.length) {
    throw new RangeError(`xorAt: ${length} bytes exceed a ${dst.length}- or ${src.length}-byte view`);
  }
  // Under 32 bytes the two word views cost more than they save.
  const words = length < 32 ? 0 : length >>> 2;
  const d0 = dst.byteOffset + dstOffset;
  const s0 = src.byteOffset + srcOffset;
  if (words > 0) {
    if ((d0 & 3) === 0 && (s0 & 3) === 0) {
      const d32 = new Uint32Array(dst.buffer, d0, words);
      const s32 = new Uint32Array(src.buffer, s0, words);
      for (let w = 0; w < words; w++) d32[w] ^= s32[w]!;
    } else {
      const d = new DataView(dst.buffer, d0, words << 2);
      const s = new DataView(src.buffer, s0, words << 2);
      for (let i = 0; i < words << 2; i += 4) d.setUint32(i, d.getUint32(i, true) ^ s.getUint32(i, true), true);
    }
  }
  for (let i = words << 2; i < length; i++) dst[dstOffset + i] ^= src[srcOffset + i]!;
}
