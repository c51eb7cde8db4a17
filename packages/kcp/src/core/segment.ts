/**
 * The 24-byte little-endian KCP segment header (docs/protocol/kcp.md, section 2). Pure functions over
 * caller-owned bytes; no allocation.
 */
import { readU16LE, readU32LE, writeU32LE } from '../bytes.js';
import { KCP_OVERHEAD } from './constants.js';

export interface KcpSegmentHeader {
  conv: number;
  cmd: number;
  frg: number;
  wnd: number;
  ts: number;
  sn: number;
  una: number;
  len: number;
}

/** Write a header at `off` (caller guarantees 24 bytes of room). Returns off + 24. */
export function encodeSegmentHeader(
  b: Uint8Array,
  off: number,
  conv: number,
  cmd: number,
  frg: number,
  wnd: number,
  ts: number,
  sn: number,
  una: number,
  len: number,
): number {
  writeU32LE(b, off, conv);
  b[off + 4] = cmd;
  b[off + 5] = frg;
  b[off + 6] = wnd;
  b[off + 7] = wnd >>> 8;
  writeU32LE(b, off + 8, ts);
  writeU32LE(b, off + 12, sn);
  writeU32LE(b, off + 16, una);
  writeU32LE(b, off + 20, len);
  return off + KCP_OVERHEAD;
}

/** Read a header at `off` into `out` (reused). False if fewer than 24 bytes remain. */
export function decodeSegmentHeader(b: Uint8Array, off: number, out: KcpSegmentHeader): boolean {
  if (b.length - off < KCP_OVERHEAD) return false;
  out.conv = readU32LE(b, off);
  out.cmd = b[off + 4];
  out.frg = b[off + 5];
  out.wnd = readU16LE(b, off + 6);
  out.ts = readU32LE(b, off + 8);
  out.sn = readU32LE(b, off + 12);
  out.una = readU32LE(b, off + 16);
  out.len = readU32LE(b, off + 20);
  return true;
}

export interface KcpSegmentView extends KcpSegmentHeader {
  data: Uint8Array;
}

/**
 * Split one datagram's KCP bytes into segments (views over `b`). Stops at the
 * first malformed segment and reports it in `error`. For inspection and tests;
 * the core parses inline.
 */
export function parseSegments(b: Uint8Array): { segments: KcpSegmentView[]; error?: string } {
  const segments: KcpSegmentView[] = [];
  let off = 0;
  if (b.length < KCP_OVERHEAD) return { segments, error: 'short datagram' };
  while (b.length - off >= KCP_OVERHEAD) {
    const h = {} as KcpSegmentHeader;
    decodeSegmentHeader(b, off, h);
    off += KCP_OVERHEAD;
    if (h.cmd < 81 || h.cmd > 84) return { segments, error: `bad cmd ${h.cmd}` };
    if (h.len > b.length - off) return { segments, error: `len ${h.len} exceeds ${b.length - off} remaining bytes` };
    segments.push({ ...h, data: b.subarray(off, off + h.len) });
    off += h.len;
  }
  return { segments };
}
