/**
 * The classic libpcap file format (not pcapng): parse a whole file held in
 * memory and assemble headers for writing one. Used by `paqet dump -r/-w` and
 * by the golden-vector tests.
 */
import { PaqetError } from '../errors.js';

export const LINKTYPE_ETHERNET = 1;
const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;

export interface PcapRecord {
  /** Timestamp in microseconds since the epoch. */
  readonly timestampUs: number;
  readonly originalLength: number;
  /** A view into the file bytes. */
  readonly data: Uint8Array;
}

export interface PcapFile {
  readonly linkType: number;
  readonly snapLength: number;
  readonly records: PcapRecord[];
}

export function parsePcapFile(bytes: Uint8Array): PcapFile {
  if (bytes.length < 24) throw new PaqetError('PAQET_ERR_PCAP_FILE', `pcap file: header needs 24 bytes, have ${bytes.length}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let le: boolean;
  const magicLE = dv.getUint32(0, true);
  if (magicLE === MAGIC_US || magicLE === MAGIC_NS) le = true;
  else if (dv.getUint32(0, false) === MAGIC_US || dv.getUint32(0, false) === MAGIC_NS) le = false;
  else throw new PaqetError('PAQET_ERR_PCAP_FILE', `pcap file: bad magic 0x${magicLE.toString(16)}`);
  const nano = dv.getUint32(0, le) === MAGIC_NS;
  const snapLength = dv.getUint32(16, le);
  const linkType = dv.getUint32(20, le) & 0xffff;
  const records: PcapRecord[] = [];
  let off = 24;
  while (off + 16 <= bytes.length) {
    const sec = dv.getUint32(off, le);
    const frac = dv.getUint32(off + 4, le);
    const incl = dv.getUint32(off + 8, le);
    const orig = dv.getUint32(off + 12, le);
    off += 16;
    if (off + incl > bytes.length) throw new PaqetError('PAQET_ERR_PCAP_FILE', `pcap file: record at ${off - 16} claims ${incl} bytes, ${bytes.length - off} left`);
    records.push({ timestampUs: sec * 1e6 + (nano ? Math.floor(frac / 1000) : frac), originalLength: orig, data: bytes.subarray(off, off + incl) });
    off += incl;
  }
  return { linkType, snapLength, records };
}

/** The 24-byte global header of a little-endian microsecond pcap file. */
export function assemblePcapFileHeader(linkType = LINKTYPE_ETHERNET, snapLength = 262144): Uint8Array {
  const out = new Uint8Array(24);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, MAGIC_US, true);
  dv.setUint16(4, 2, true);
  dv.setUint16(6, 4, true);
  dv.setUint32(16, snapLength, true);
  dv.setUint32(20, linkType, true);
  return out;
}

/** The 16-byte header of one record; write `frame` after it. */
export function assemblePcapRecordHeader(timestampUs: number, capturedLength: number, originalLength = capturedLength): Uint8Array {
  const out = new Uint8Array(16);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, Math.floor(timestampUs / 1e6), true);
  dv.setUint32(4, timestampUs % 1e6, true);
  dv.setUint32(8, capturedLength, true);
  dv.setUint32(12, originalLength, true);
  return out;
}
