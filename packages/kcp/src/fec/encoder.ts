import {
  FEC_MAX_ENCODE_LATENCY_MS, FEC_SHARD_OFFSET, MTU_LIMIT, fecPaws,
} from './header.js';
import { FEC_TYPE_DATA, FEC_TYPE_PARITY } from './contract.js';
import { ReedSolomon } from './reed-solomon.js';

export interface FecEncoderOptions {
  dataShards: number;
  parityShards: number;
  /** Where the FEC header starts in an outgoing buffer: the cipher's headerSize (20, 12 or 0). */
  headerOffset: number;
  /** Spare bytes after each parity packet for the cipher's trailer (16 for aes-128-gcm). */
  trailerSize?: number;
  /** Largest datagram plaintext (header offset included) the encoder accepts; default 1500. */
  maxDatagramSize?: number;
  /** Wall clock in ms, injectable for tests. */
  now?: () => number;
}

/**
 * kcp-go's FEC encoder (docs/protocol/fec.md, section 3). The session reserves `headerOffset + 8` bytes before
 * the KCP bytes of every output buffer and calls encode(); it then seals and sends that
 * buffer, followed by each parity packet (parityPacket(0 .. count-1), each
 * parityLength bytes of plaintext, sealed in place like a data datagram).
 *
 * Buffers are allocated once; encode() copies the data shard, so the caller may encrypt
 * its buffer in place right after. Parity packets stay valid until the next encode().
 */
export class FecEncoder {
  readonly dataShards: number;
  readonly parityShards: number;
  readonly headerOffset: number;
  private readonly totalShards: number;
  private readonly paws: number;
  private readonly codec: ReedSolomon;
  private readonly maxDatagramSize: number;
  private readonly now: () => number;
  // Each shard's RS region ([size ‖ KCP] or parity) lives at offset 0 of a 4-byte-aligned
  // buffer so the GF kernel can work on words.
  private readonly shardRegions: Uint8Array[];
  private readonly regionLengths: Int32Array;
  private readonly parityPackets: Uint8Array[];
  private next = 0;
  private count = 0;
  private maxSize = 0;
  private lastDataTime = 0;
  private readyParity = 0;
  private readyLength = 0;

  constructor(options: FecEncoderOptions) {
    const { dataShards, parityShards, headerOffset } = options;
    this.codec = new ReedSolomon(dataShards, parityShards);
    this.dataShards = dataShards;
    this.parityShards = parityShards;
    this.totalShards = dataShards + parityShards;
    this.paws = fecPaws(this.totalShards);
    if (!Number.isInteger(headerOffset) || headerOffset < 0) throw new RangeError(`bad headerOffset ${headerOffset}`);
    this.headerOffset = headerOffset;
    this.maxDatagramSize = options.maxDatagramSize ?? MTU_LIMIT;
    this.now = options.now ?? Date.now;
    const regionSize = (this.maxDatagramSize + 3) & ~3;
    this.shardRegions = Array.from({ length: this.totalShards }, () => new Uint8Array(regionSize));
    this.regionLengths = new Int32Array(dataShards);
    const packetSize = this.maxDatagramSize + (options.trailerSize ?? 0);
    this.parityPackets = Array.from({ length: parityShards }, () => new Uint8Array(packetSize));
  }

  /** The seqid the next data or parity shard will carry. */
  get nextSeqid(): number {
    return this.next;
  }

  /**
   * Writes the FEC header of the data shard `buf[0, length)` (FEC header at headerOffset,
   * KCP bytes from headerOffset + 8) and returns how many parity packets are ready:
   * 0, or parityShards when this shard completed a group that was sent without a pause.
   */
  encode(buf: Uint8Array, length: number): number {
    const h = this.headerOffset;
    if (length < h + 8 || length > this.maxDatagramSize || length > buf.length) {
      throw new RangeError(`FEC data shard of ${length} bytes outside [${h + 8}, ${this.maxDatagramSize}]`);
    }
    writeHeader(buf, h, this.next, FEC_TYPE_DATA);
    this.next = (this.next + 1) % this.paws;
    const regionLength = length - h - FEC_SHARD_OFFSET;
    buf[h + 6] = regionLength;
    buf[h + 7] = regionLength >>> 8;

    const region = this.shardRegions[this.count]!;
    region.set(buf.subarray(h + FEC_SHARD_OFFSET, length));
    this.regionLengths[this.count] = regionLength;
    this.count++;
    if (length > this.maxSize) this.maxSize = length;

    const now = this.now();
    this.readyParity = 0;
    if (this.count === this.dataShards) {
      if (now - this.lastDataTime < FEC_MAX_ENCODE_LATENCY_MS) this.emitParity();
      else this.next = (this.next + this.parityShards) % this.paws;
      this.count = 0;
      this.maxSize = 0;
    }
    this.lastDataTime = now;
    return this.readyParity;
  }

  /** Number of parity packets produced by the last encode(). */
  get parityCount(): number {
    return this.readyParity;
  }

  /** Plaintext length of each ready parity packet (headerOffset included) = the group's longest data datagram. */
  get parityLength(): number {
    return this.readyLength;
  }

  /**
   * Ready parity packet j: `[headerOffset reserved][seqid][0xF2][parity]`, parityLength
   * bytes, in a buffer with trailerSize spare bytes so the cipher can seal it in place.
   */
  parityPacket(j: number): Uint8Array {
    if (j < 0 || j >= this.readyParity) throw new RangeError(`no parity packet ${j} ready`);
    return this.parityPackets[j]!;
  }

  private emitParity(): void {
    const h = this.headerOffset;
    const regionLength = this.maxSize - h - FEC_SHARD_OFFSET;
    // Zero-pad every data shard to the longest one; the padding exists only inside RS.
    for (let k = 0; k < this.dataShards; k++) this.shardRegions[k]!.fill(0, this.regionLengths[k]!, regionLength);
    this.codec.encode(this.shardRegions, regionLength);
    for (let j = 0; j < this.parityShards; j++) {
      const packet = this.parityPackets[j]!;
      writeHeader(packet, h, this.next, FEC_TYPE_PARITY);
      this.next = (this.next + 1) % this.paws;
      packet.set(this.shardRegions[this.dataShards + j]!.subarray(0, regionLength), h + FEC_SHARD_OFFSET);
    }
    this.readyParity = this.parityShards;
    this.readyLength = this.maxSize;
  }
}

function writeHeader(buf: Uint8Array, at: number, seqid: number, type: number): void {
  buf[at] = seqid;
  buf[at + 1] = seqid >>> 8;
  buf[at + 2] = seqid >>> 16;
  buf[at + 3] = seqid >>> 24;
  buf[at + 4] = type;
  buf[at + 5] = 0;
}
