/**
 * The few DER (X.690) encodings a self-signed Ed25519 certificate needs:
 * definite lengths, SEQUENCE/SET, INTEGER, OID, strings, times, BIT STRING and
 * explicit context tags. Pure functions over byte arrays.
 */

function length(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function tlv(tag: number, ...content: readonly Uint8Array[]): Uint8Array {
  const body = concat(content);
  return concat([Uint8Array.of(tag), length(body.length), body]);
}

export const sequence = (...items: Uint8Array[]) => tlv(0x30, ...items);
export const set = (...items: Uint8Array[]) => tlv(0x31, ...items);
/** [n] EXPLICIT, constructed context-specific tag. */
export const explicit = (n: number, inner: Uint8Array) => tlv(0xa0 | n, inner);

/** A small non-negative INTEGER. */
export function integer(n: number): Uint8Array {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  if (bytes.length === 0 || bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(0x02, Uint8Array.from(bytes));
}

/** OBJECT IDENTIFIER from dotted text. */
export function oid(text: string): Uint8Array {
  const arcs = text.split('.').map(Number);
  const out: number[] = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const groups: number[] = [];
    for (let v = arc; ; v = Math.floor(v / 128)) {
      groups.unshift(v & 0x7f);
      if (v < 128) break;
    }
    groups.forEach((g, i) => out.push(i < groups.length - 1 ? g | 0x80 : g));
  }
  return tlv(0x06, Uint8Array.from(out));
}

export const utf8String = (s: string) => tlv(0x0c, new TextEncoder().encode(s));
/** YYMMDDHHMMSSZ (years 1950-2049, RFC 5280 4.1.2.5.1). */
export const utcTime = (s: string) => tlv(0x17, new TextEncoder().encode(s));
/** YYYYMMDDHHMMSSZ (years from 2050, RFC 5280 4.1.2.5.2). */
export const generalizedTime = (s: string) => tlv(0x18, new TextEncoder().encode(s));
export const bitString = (bytes: Uint8Array) => tlv(0x03, Uint8Array.of(0), bytes);
export const octetString = (bytes: Uint8Array) => tlv(0x04, bytes);
export const boolean = (v: boolean) => tlv(0x01, Uint8Array.of(v ? 0xff : 0));
