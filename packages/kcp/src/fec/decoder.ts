import { FecAutoTune } from './autotune.js';
import { FEC_HEADER_SIZE, FEC_TYPE_DATA, FEC_TYPE_PARITY } from './contract.js';
import { FEC_SHARD_OFFSET, MTU_LIMIT, fecPaws, fecSeqid } from './header.js';
import { ReedSolomon } from './reed-solomon.js';

export interface FecDecoderOptions {
  dataShards: number;
  parityShards: number;
  /** Largest FEC-level plaintext accepted; longer packets are counted as malformed. Default 1500. */
  maxPacketSize?: number;
  /** Hard cap on groups held at once (on top of kcp-go's "3 groups behind" rule). Default 8. */
  maxGroups?: number;
  /** Follow the peer's (d,p) when its shard pattern disagrees with ours (docs/protocol/fec.md, section 6). Default true. */
  autoTune?: boolean;
}

export interface FecDecoderStats {
  /** Packets given to decode(). */
  received: number;
  malformed: number;
  duplicates: number;
  /** Data shards rebuilt from parity. */
  recovered: number;
  /** Groups dropped before they completed. */
  groupsDiscarded: number;
  /** Times autotune switched (d,p). */
  retuned: number;
}

interface Group {
  id: number;
  count: number;
  shards: (Uint8Array | undefined)[];
  lengths: Int32Array;
}

const NO_RECOVERY: readonly Uint8Array[] = Object.freeze([]);
const MAX_SHARD_SETS_BEHIND = 3;

/**
 * kcp-go's FEC decoder (docs/protocol/fec.md, section 5). Feed it the FEC-level plaintext of every data (0xF1)
 * and parity (0xF2) packet, after the data shard's KCP bytes were already given to KCP.
 * It returns the KCP bytes of data shards it rebuilt, to be input with regular = false.
 *
 * Memory is bounded: shards live in pooled 1.5 KB buffers, at most maxGroups groups are
 * held, and groups more than 3 behind the newest are discarded.
 */
export class FecDecoder {
  private d: number;
  private p: number;
  private n: number;
  private paws: number;
  private codec: ReedSolomon;
  private readonly maxPacketSize: number;
  private readonly bufferSize: number;
  private readonly maxGroups: number;
  private readonly tuner: FecAutoTune | undefined;
  private shouldTune = false;
  private newestGroup = 0;
  private readonly groups = new Map<number, Group>();
  private readonly freeBuffers: Uint8Array[] = [];
  private recoveryBuffers: Uint8Array[] = [];
  private readonly recovered: Uint8Array[] = [];
  readonly stats: FecDecoderStats = { received: 0, malformed: 0, duplicates: 0, recovered: 0, groupsDiscarded: 0, retuned: 0 };

  constructor(options: FecDecoderOptions) {
    this.d = options.dataShards;
    this.p = options.parityShards;
    this.codec = new ReedSolomon(this.d, this.p);
    this.n = this.d + this.p;
    this.paws = fecPaws(this.n);
    this.maxPacketSize = options.maxPacketSize ?? MTU_LIMIT;
    this.bufferSize = (this.maxPacketSize + 3) & ~3;
    this.maxGroups = options.maxGroups ?? 8;
    this.tuner = options.autoTune === false ? undefined : new FecAutoTune();
  }

  /**
   * The decoder a session without FEC settings creates on its first 0xF1/0xF2 packet:
   * (1,1) with autotune, which then follows the peer's real ratio (docs/protocol/fec.md, section 5).
   */
  static forUnconfiguredSession(): FecDecoder {
    return new FecDecoder({ dataShards: 1, parityShards: 1 });
  }

  get dataShards(): number {
    return this.d;
  }

  get parityShards(): number {
    return this.p;
  }

  /** Groups currently held (for tests and metrics). */
  get pendingGroups(): number {
    return this.groups.size;
  }

  /**
   * Takes one FEC packet (offset 0 = FEC header) and returns the KCP bytes of every data
   * shard it allowed to rebuild. The returned views are valid until the next call.
   */
  decode(plaintext: Uint8Array): readonly Uint8Array[] {
    this.stats.received++;
    if (plaintext.length < FEC_HEADER_SIZE || plaintext.length > this.maxPacketSize || plaintext[5] !== 0) {
      this.stats.malformed++;
      return NO_RECOVERY;
    }
    const type = plaintext[4]!;
    if (type !== FEC_TYPE_DATA && type !== FEC_TYPE_PARITY) {
      this.stats.malformed++;
      return NO_RECOVERY;
    }
    const isData = type === FEC_TYPE_DATA;
    const seqid = fecSeqid(plaintext);
    this.tuner?.sample(isData, seqid);
    if (seqid >= this.paws) return NO_RECOVERY;
    if (isData !== seqid % this.n < this.d) this.shouldTune = true;
    if (this.shouldTune) {
      this.tune();
      return NO_RECOVERY;
    }

    const groupId = Math.floor(seqid / this.n);
    const slot = seqid % this.n;
    let group = this.groups.get(groupId);
    if (!group) group = this.openGroup(groupId);
    let result = NO_RECOVERY;
    if (group.shards[slot]) {
      this.stats.duplicates++;
    } else {
      const buffer = this.freeBuffers.pop() ?? new Uint8Array(this.bufferSize);
      const length = plaintext.length - FEC_SHARD_OFFSET;
      buffer.set(plaintext.subarray(FEC_SHARD_OFFSET));
      group.shards[slot] = buffer;
      group.lengths[slot] = length;
      group.count++;
      if (group.count >= this.d) result = this.flushGroup(group);
    }

    if (((groupId * this.n - this.newestGroup * this.n) | 0) > 0) this.newestGroup = groupId;
    this.discardOldGroups();
    return result;
  }

  private openGroup(id: number): Group {
    if (this.groups.size >= this.maxGroups) {
      const oldest = this.groups.values().next().value!;
      this.releaseGroup(oldest);
      this.stats.groupsDiscarded++;
    }
    const group: Group = { id, count: 0, shards: new Array(this.n), lengths: new Int32Array(this.n) };
    this.groups.set(id, group);
    return group;
  }

  /** Takes every shard out of the group; rebuilds missing data shards if parity allows. */
  private flushGroup(group: Group): readonly Uint8Array[] {
    const d = this.d;
    let dataPresent = 0;
    let maxLength = 0;
    for (let i = 0; i < this.n; i++) {
      if (!group.shards[i]) continue;
      if (i < d) dataPresent++;
      if (group.lengths[i]! > maxLength) maxLength = group.lengths[i]!;
    }
    this.recovered.length = 0;
    if (dataPresent < d) {
      const present: boolean[] = [];
      const shards: Uint8Array[] = [];
      if (this.recoveryBuffers.length < this.n) {
        this.recoveryBuffers = Array.from({ length: this.n }, () => new Uint8Array(this.bufferSize));
      }
      for (let i = 0; i < this.n; i++) {
        const shard = group.shards[i];
        present.push(shard !== undefined);
        if (shard) shard.fill(0, group.lengths[i]!, maxLength);
        shards.push(shard ?? this.recoveryBuffers[i]!);
      }
      if (this.codec.reconstructData(shards, present, maxLength)) {
        for (let i = 0; i < d; i++) {
          if (present[i]) continue;
          const r = shards[i]!;
          const size = r[0]! | (r[1]! << 8);
          if (size >= 2 && size <= maxLength) {
            this.recovered.push(r.subarray(2, size));
            this.stats.recovered++;
          }
        }
      }
    }
    this.releaseShards(group);
    return this.recovered.length > 0 ? this.recovered : NO_RECOVERY;
  }

  private discardOldGroups(): void {
    const limit = MAX_SHARD_SETS_BEHIND * this.n;
    for (const group of this.groups.values()) {
      if (((this.newestGroup * this.n - group.id * this.n) | 0) > limit) {
        if (group.count > 0) this.stats.groupsDiscarded++;
        this.releaseGroup(group);
      }
    }
  }

  private releaseShards(group: Group): void {
    for (let i = 0; i < group.shards.length; i++) {
      const shard = group.shards[i];
      if (shard) this.freeBuffers.push(shard);
      group.shards[i] = undefined;
    }
    group.count = 0;
  }

  private releaseGroup(group: Group): void {
    this.releaseShards(group);
    this.groups.delete(group.id);
  }

  private tune(): void {
    if (!this.tuner) {
      this.shouldTune = false;
      return;
    }
    const dd = this.tuner.findPeriod(true);
    const pp = this.tuner.findPeriod(false);
    if (dd <= 0 || pp <= 0 || dd + pp >= 256) return;
    if (dd !== this.d || pp !== this.p) {
      for (const group of [...this.groups.values()]) this.releaseGroup(group);
      this.d = dd;
      this.p = pp;
      this.n = dd + pp;
      this.paws = fecPaws(this.n);
      this.codec = new ReedSolomon(dd, pp);
      this.newestGroup = 0;
      this.stats.retuned++;
    }
    this.shouldTune = false;
  }
}
