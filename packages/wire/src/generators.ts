/**
 * paqet's seq / ack / TSval / TSecr generators (docs/protocol/frames.md, section 3). Pure functions of
 * the handle's start time T0 (uint32 of Unix ms) and the per-packet counter c
 * (the handle's counter after its increment; the first packet uses c = 1).
 * All arithmetic is modulo 2^32.
 */
import { TcpFlag } from './layers/tcp.js';

/** Generated TCP numbers of one segment; reuse one instance on hot paths. */
export class SegmentNumbers {
  seq = 0;
  ack = 0;
  tsval = 0;
  tsecr = 0;
}

/** Fills `into` with the numbers for counter `c` and flag set `flags`; returns `into`. */
export function generateSegmentNumbers(t0: number, c: number, flags: number, into: SegmentNumbers = new SegmentNumbers()): SegmentNumbers {
  const cu = c >>> 0;
  const tsval = (t0 + (cu >>> 3)) >>> 0;
  into.tsval = tsval;
  if (flags & TcpFlag.SYN) {
    const seq = 1 + (cu & 7);
    into.seq = seq;
    into.ack = flags & TcpFlag.ACK ? seq + 1 : 0;
    into.tsecr = 0;
  } else {
    into.tsecr = (tsval - ((cu % 200) + 50)) >>> 0;
    // (cu << 7) is an int32; adding and >>> 0 gives the value modulo 2^32.
    const seq = (t0 + (cu << 7)) >>> 0;
    into.seq = seq;
    into.ack = (seq - (cu & 0x3ff) + 1400) >>> 0;
  }
  return into;
}

/** T0 from a Unix time in milliseconds: its low 32 bits. */
export function startTimeFromUnixMs(unixMs: number): number {
  return Math.floor(unixMs) % 0x100000000 >>> 0;
}
