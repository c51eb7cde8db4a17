/**
 * GF(2^8) with the reducing polynomial x^8+x^4+x^3+x^2+1 (0x11D) and generator 2, as
 * klauspost/reedsolomon uses (docs/protocol/fec.md, section 4).
 */

export const GF_POLYNOMIAL = 0x11d;

/** exp[i] = 2^i for i in 0..509 (doubled so log a + log b needs no reduction). */
export const GF_EXP = new Uint8Array(510);
/** log[a] for a in 1..255; log[0] is unused. */
export const GF_LOG = new Uint8Array(256);

{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    GF_EXP[i] = x;
    GF_EXP[i + 255] = x;
    GF_LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= GF_POLYNOMIAL;
  }
}

/** The full product table: GF_MUL[(a << 8) | b] = a·b. 64 KiB, built once. */
export const GF_MUL = new Uint8Array(65536);
for (let a = 1; a < 256; a++) {
  for (let b = 1; b < 256; b++) GF_MUL[(a << 8) | b] = GF_EXP[GF_LOG[a]! + GF_LOG[b]!]!;
}

export function gfMul(a: number, b: number): number {
  return GF_MUL[(a << 8) | b]!;
}

export function gfInv(a: number): number {
  if (a === 0) throw new RangeError('0 has no inverse in GF(2^8)');
  return GF_EXP[255 - GF_LOG[a]!]!;
}

/** a^n with 0^0 = 1 (the Vandermonde matrix's top-left entry depends on it). */
export function gfPow(a: number, n: number): number {
  if (n === 0) return 1;
  if (a === 0) return 0;
  return GF_EXP[(GF_LOG[a]! * n) % 255]!;
}
