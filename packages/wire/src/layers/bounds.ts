/** Shared bounds checks for the layer parsers and assemblers. */
import { WireErrorCode } from '../error-codes.js';
import { PaqetValueError } from '../errors.js';

/** Throws a typed "truncated" error unless `have >= need`. */
export function requireBytes(field: string, have: number, need: number): void {
  if (have < need) throw new PaqetValueError(WireErrorCode.Truncated, field, have, `needs ${need} bytes`, 'drop-packet');
}

/** Throws a typed "bad header" error for a field with a forbidden value. */
export function badHeader(field: string, value: unknown, reason: string): PaqetValueError {
  return new PaqetValueError(WireErrorCode.BadHeader, field, value, reason, 'drop-packet');
}

/** Throws unless `out` has `need` bytes free at `offset`. */
export function requireRoom(out: Uint8Array, offset: number, need: number, what: string): void {
  if (!Number.isInteger(offset) || offset < 0 || offset + need > out.length) {
    throw new PaqetValueError(WireErrorCode.BufferTooSmall, what, out.length, `needs ${need} bytes at offset ${offset}`);
  }
}

/** Checks a [offset, end) window of `bytes` and returns the clamped end. */
export function checkWindow(bytes: Uint8Array, offset: number, end: number | undefined, field: string): number {
  const e = end === undefined ? bytes.length : end;
  if (!Number.isInteger(offset) || !Number.isInteger(e) || offset < 0 || e > bytes.length || offset > e) {
    throw new PaqetValueError(WireErrorCode.Truncated, field, `${offset}..${e}`, `window outside ${bytes.length} bytes`, 'drop-packet');
  }
  return e;
}

export function writeU16(out: Uint8Array, off: number, v: number): void {
  out[off] = v >>> 8;
  out[off + 1] = v;
}

export function writeU32(out: Uint8Array, off: number, v: number): void {
  out[off] = v >>> 24;
  out[off + 1] = v >>> 16;
  out[off + 2] = v >>> 8;
  out[off + 3] = v;
}

export function readU16(b: Uint8Array, off: number): number {
  return (b[off] << 8) | b[off + 1];
}

export function readU32(b: Uint8Array, off: number): number {
  return ((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]) >>> 0;
}

export function addressBytes(value: { bytes: Uint8Array } | Uint8Array, size: number, field: string): Uint8Array {
  const b = value instanceof Uint8Array ? value : value.bytes;
  if (b.length !== size) throw new PaqetValueError(WireErrorCode.Address, field, b, `must be exactly ${size} bytes`);
  return b;
}
