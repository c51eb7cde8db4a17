/**
 * The Internet checksum (RFC 1071): one's-complement sum of big-endian 16-bit
 * words. Sums are accumulated as plain numbers (exact up to 2^53) and folded
 * once at the end, so long inputs need no per-word carry handling.
 */
import type { IpAddress } from './address.js';

export const IP_PROTOCOL_TCP = 6;

// One DataView per underlying buffer, kept as long as the buffer lives: hot paths sum a
// few reused frame buffers (one send arena per raw connection, several with `conn` > 1),
// so switching between them does not allocate per packet.
const views = new WeakMap<ArrayBufferLike, DataView>();
let cachedBuffer: ArrayBufferLike | null = null;
let cachedView: DataView | null = null;

function viewOf(bytes: Uint8Array): DataView {
  if (bytes.buffer !== cachedBuffer || cachedView === null) {
    let view = views.get(bytes.buffer);
    if (view === undefined) {
      view = new DataView(bytes.buffer);
      views.set(bytes.buffer, view);
    }
    cachedView = view;
    cachedBuffer = bytes.buffer;
  }
  return cachedView;
}

/** Unfolded sum of `bytes[start, end)` as big-endian 16-bit words (odd tail padded with 0). */
export function sumWords(bytes: Uint8Array, start: number, end: number, initial = 0): number {
  let sum = initial;
  let i = start;
  if (end - start >= 64) {
    // 32-bit reads: a word pair hi*65536 + lo ≡ hi + lo (mod 0xffff), so the fold stays valid.
    // The accumulator stays exact far beyond any packet size (2^53 / 2^32 words).
    const dv = viewOf(bytes);
    const base = bytes.byteOffset;
    const end8 = end - 7;
    for (; i < end8; i += 8) sum += dv.getUint32(base + i) + dv.getUint32(base + i + 4);
  }
  for (; i + 1 < end; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
  if (i < end) sum += bytes[i] << 8;
  return sum;
}

/** Folds an accumulated sum to 16 bits with end-around carry. */
export function foldSum(sum: number): number {
  while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  return sum;
}

/** The checksum field value for `bytes[start, end)` (field assumed zero or included as-is). */
export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length, initial = 0): number {
  return ~foldSum(sumWords(bytes, start, end, initial)) & 0xffff;
}

/** Unfolded sum of the TCP/UDP pseudo-header for IPv4 or IPv6. */
export function pseudoHeaderSum(src: Uint8Array, dst: Uint8Array, protocol: number, length: number): number {
  let sum = sumWords(src, 0, src.length) + sumWords(dst, 0, dst.length) + protocol;
  // IPv6 uses a 32-bit length; IPv4 a 16-bit one. Both sum the same for lengths < 2^32.
  sum += (length >>> 16) + (length & 0xffff);
  return sum;
}

/** Checksum of a TCP segment `bytes[start, end)` (its checksum field as stored) over the pseudo-header. */
export function tcpChecksum(bytes: Uint8Array, start: number, end: number, src: IpAddress | Uint8Array, dst: IpAddress | Uint8Array): number {
  const s = src instanceof Uint8Array ? src : src.bytes;
  const d = dst instanceof Uint8Array ? dst : dst.bytes;
  return internetChecksum(bytes, start, end, pseudoHeaderSum(s, d, IP_PROTOCOL_TCP, end - start));
}

/** True when the checksum over a region that includes its checksum field verifies. */
export function checksumVerifies(bytes: Uint8Array, start: number, end: number, initial = 0): boolean {
  return foldSum(sumWords(bytes, start, end, initial)) === 0xffff;
}
