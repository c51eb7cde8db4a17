/**
 * MAC address parsing with Go's net.ParseMAC rules: 6-, 8- or 20-byte
 * addresses as `xx:xx:..`, `xx-xx-..` or `xxxx.xxxx...`. Only 6-byte values
 * work on Ethernet, but the reference program accepts the others at load.
 */
import { shown } from './issues.js';

export class MacParseError extends Error {}

const HEX_PAIR = /^[0-9a-fA-F]{2}$/;
const HEX_QUAD = /^[0-9a-fA-F]{4}$/;

export function parseMac(text: string): Uint8Array {
  const fail = (): never => {
    throw new MacParseError(text ? `address ${shown(text)}: invalid MAC address` : 'invalid MAC address');
  };
  if (text.length < 14) fail();
  let hex = '';
  if (text[2] === ':' || text[2] === '-') {
    if ((text.length + 1) % 3 !== 0) fail();
    const sep = text[2]!;
    const parts = text.split(sep);
    if (parts.some((p) => !HEX_PAIR.test(p))) fail();
    hex = parts.join('');
  } else if (text[4] === '.') {
    if ((text.length + 1) % 5 !== 0) fail();
    const parts = text.split('.');
    if (parts.some((p) => !HEX_QUAD.test(p))) fail();
    hex = parts.join('');
  } else {
    fail();
  }
  const n = hex.length / 2;
  if (n !== 6 && n !== 8 && n !== 20) fail();
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function formatMac(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(':');
}
