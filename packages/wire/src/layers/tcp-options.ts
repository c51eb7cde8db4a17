/**
 * TCP options (RFC 9293, 7323, 2018): parse into a list, validate without
 * allocating, and assemble. Known kinds with an unexpected length and unknown
 * kinds are kept raw so parse -> assemble round-trips.
 */
import { WireErrorCode } from '../error-codes.js';
import { PaqetValueError } from '../errors.js';
import { readU16, readU32, requireRoom, writeU16, writeU32 } from './bounds.js';

export const TCP_OPTION_EOL = 0;
export const TCP_OPTION_NOP = 1;
export const TCP_OPTION_MSS = 2;
export const TCP_OPTION_WINDOW_SCALE = 3;
export const TCP_OPTION_SACK_PERMITTED = 4;
export const TCP_OPTION_TIMESTAMPS = 8;

export type TcpOption =
  | { kind: 'eol' }
  | { kind: 'nop' }
  | { kind: 'mss'; value: number }
  | { kind: 'window-scale'; shift: number }
  | { kind: 'sack-permitted' }
  | { kind: 'timestamps'; value: number; echo: number }
  /** Any other kind, or a known kind with a non-standard length: `data` excludes kind and length bytes. */
  | { kind: 'unknown'; type: number; data: Uint8Array };

// Single-option writers (no validation, hot path); each returns the offset after the option.
export function writeMssOption(out: Uint8Array, at: number, mss: number): number {
  out[at] = TCP_OPTION_MSS;
  out[at + 1] = 4;
  writeU16(out, at + 2, mss);
  return at + 4;
}
export function writeSackPermittedOption(out: Uint8Array, at: number): number {
  out[at] = TCP_OPTION_SACK_PERMITTED;
  out[at + 1] = 2;
  return at + 2;
}
export function writeTimestampsOption(out: Uint8Array, at: number, value: number, echo: number): number {
  out[at] = TCP_OPTION_TIMESTAMPS;
  out[at + 1] = 10;
  writeU32(out, at + 2, value);
  writeU32(out, at + 6, echo);
  return at + 10;
}
export function writeWindowScaleOption(out: Uint8Array, at: number, shift: number): number {
  out[at] = TCP_OPTION_WINDOW_SCALE;
  out[at + 1] = 3;
  out[at + 2] = shift;
  return at + 3;
}
export function writeNopOption(out: Uint8Array, at: number): number {
  out[at] = TCP_OPTION_NOP;
  return at + 1;
}

function optionError(offset: number, reason: string): PaqetValueError {
  return new PaqetValueError(WireErrorCode.BadTcpOption, 'tcp.options', offset, reason, 'drop-packet');
}

/**
 * Walks options in `bytes[start, end)`; returns -1 when they parse, else the
 * offset of the first bad option. Allocation-free (used on the inbound path).
 * After an EOL the rest is padding and not inspected.
 */
export function findBadTcpOption(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const kind = bytes[i];
    if (kind === TCP_OPTION_EOL) return -1;
    if (kind === TCP_OPTION_NOP) {
      i++;
      continue;
    }
    if (i + 1 >= end) return i;
    const len = bytes[i + 1];
    if (len < 2 || i + len > end) return i;
    i += len;
  }
  return -1;
}

/** Parses options in `bytes[start, end)`; throws a typed error on a malformed one. */
export function parseTcpOptions(bytes: Uint8Array, start: number, end: number): TcpOption[] {
  const out: TcpOption[] = [];
  let i = start;
  while (i < end) {
    const kind = bytes[i];
    if (kind === TCP_OPTION_EOL) {
      out.push({ kind: 'eol' });
      break;
    }
    if (kind === TCP_OPTION_NOP) {
      out.push({ kind: 'nop' });
      i++;
      continue;
    }
    if (i + 1 >= end) throw optionError(i - start, `option kind ${kind} has no length byte`);
    const len = bytes[i + 1];
    if (len < 2) throw optionError(i - start, `option kind ${kind} has length ${len} (< 2)`);
    if (i + len > end) throw optionError(i - start, `option kind ${kind} length ${len} runs past the header`);
    if (kind === TCP_OPTION_MSS && len === 4) out.push({ kind: 'mss', value: readU16(bytes, i + 2) });
    else if (kind === TCP_OPTION_WINDOW_SCALE && len === 3) out.push({ kind: 'window-scale', shift: bytes[i + 2] });
    else if (kind === TCP_OPTION_SACK_PERMITTED && len === 2) out.push({ kind: 'sack-permitted' });
    else if (kind === TCP_OPTION_TIMESTAMPS && len === 10) {
      out.push({ kind: 'timestamps', value: readU32(bytes, i + 2), echo: readU32(bytes, i + 6) });
    } else out.push({ kind: 'unknown', type: kind, data: bytes.subarray(i + 2, i + len) });
    i += len;
  }
  return out;
}

/** Encoded size of one option. */
export function tcpOptionLength(o: TcpOption): number {
  switch (o.kind) {
    case 'eol':
    case 'nop':
      return 1;
    case 'mss':
      return 4;
    case 'window-scale':
      return 3;
    case 'sack-permitted':
      return 2;
    case 'timestamps':
      return 10;
    case 'unknown':
      return 2 + o.data.length;
  }
}

/** Encoded size of a list, before padding. */
export function tcpOptionsLength(options: readonly TcpOption[]): number {
  let n = 0;
  for (const o of options) n += tcpOptionLength(o);
  return n;
}

/** Writes the options at `offset` (no padding); returns the bytes written. */
export function assembleTcpOptions(out: Uint8Array, offset: number, options: readonly TcpOption[]): number {
  requireRoom(out, offset, tcpOptionsLength(options), 'tcp options');
  let i = offset;
  for (const o of options) {
    switch (o.kind) {
      case 'eol':
        out[i++] = TCP_OPTION_EOL;
        break;
      case 'nop':
        i = writeNopOption(out, i);
        break;
      case 'mss':
        i = writeMssOption(out, i, o.value);
        break;
      case 'window-scale':
        i = writeWindowScaleOption(out, i, o.shift);
        break;
      case 'sack-permitted':
        i = writeSackPermittedOption(out, i);
        break;
      case 'timestamps':
        i = writeTimestampsOption(out, i, o.value, o.echo);
        break;
      case 'unknown':
        if (o.data.length > 253) throw optionError(i - offset, `option kind ${o.type} data of ${o.data.length} bytes is too long`);
        out[i] = o.type;
        out[i + 1] = 2 + o.data.length;
        out.set(o.data, i + 2);
        i += 2 + o.data.length;
        break;
    }
  }
  return i - offset;
}
