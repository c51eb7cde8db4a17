import { gfCombine } from './gf-kernel.js';
import { type GfMatrix, invert, multiply, vandermonde } from './matrix.js';

const MAX_CACHED_DECODERS = 64;

/**
 * Systematic Reed-Solomon erasure code over GF(2^8), bit-exact with klauspost/reedsolomon's
 * default `New(d, p)` (docs/protocol/fec.md, section 4): encoding matrix = Vandermonde(n × d) × inverse(top d × d).
 *
 * Shards are separate Uint8Arrays; an operation reads or writes `[0, length)` of each.
 */
export class ReedSolomon {
  readonly totalShards: number;
  /** n × d; rows 0..d-1 are the identity, rows d..n-1 the parity rows. */
  readonly matrix: GfMatrix;
  private readonly parityRows: Uint8Array[];
  // Inverted sub-matrices keyed by the indices of the shards used; erasure patterns repeat.
  private readonly decodeCache = new Map<string, GfMatrix>();

  constructor(readonly dataShards: number, readonly parityShards: number) {
    if (!Number.isInteger(dataShards) || !Number.isInteger(parityShards) || dataShards <= 0 || parityShards <= 0) {
      throw new RangeError(`shard counts must be positive integers, got ${dataShards}/${parityShards}`);
    }
    if (dataShards + parityShards > 256) throw new RangeError(`at most 256 shards, got ${dataShards + parityShards}`);
    this.totalShards = dataShards + parityShards;
    const v = vandermonde(this.totalShards, dataShards);
    this.matrix = multiply(v, invert(v.slice(0, dataShards)));
    this.parityRows = this.matrix.slice(dataShards);
  }

  /** Parity row j of the encoding matrix (one coefficient per data shard). */
  parityRow(j: number): Uint8Array {
    const row = this.parityRows[j];
    if (!row) throw new RangeError(`no parity row ${j}`);
    return row;
  }

  /**
   * Computes `shards[d..n)` from `shards[0..d)` over `[0, length)`. Every shard must hold
   * at least `length` bytes.
   */
  encode(shards: readonly Uint8Array[], length: number = shards[0]?.length ?? 0): void {
    this.checkShards(shards, length);
    gfCombine(this.parityRows, shards.slice(0, this.dataShards), shards.slice(this.dataShards), length);
  }

  /** True when the parity shards match the data over `[0, length)`. */
  verify(shards: readonly Uint8Array[], length: number = shards[0]?.length ?? 0): boolean {
    this.checkShards(shards, length);
    const expected = this.parityRows.map(() => new Uint8Array(length));
    gfCombine(this.parityRows, shards.slice(0, this.dataShards), expected, length);
    return expected.every((parity, j) => {
      const actual = shards[this.dataShards + j]!;
      for (let i = 0; i < length; i++) if (parity[i] !== actual[i]) return false;
      return true;
    });
  }

  /**
   * Rebuilds the missing data shards in place. `present[i]` says whether `shards[i]`
   * holds valid bytes; missing data shards must still be buffers of at least `length`
   * bytes to write into. Parity shards are never rebuilt. Returns false (and writes
   * nothing) when fewer than `dataShards` shards are present.
   */
  reconstructData(shards: readonly Uint8Array[], present: ArrayLike<boolean>, length: number): boolean {
    return this.rebuild(shards, present, length, false);
  }

  /** Like reconstructData, then recomputes missing parity shards as well. */
  reconstruct(shards: readonly Uint8Array[], present: ArrayLike<boolean>, length: number): boolean {
    return this.rebuild(shards, present, length, true);
  }

  private rebuild(shards: readonly Uint8Array[], present: ArrayLike<boolean>, length: number, withParity: boolean): boolean {
    this.checkShards(shards, length);
    const d = this.dataShards;
    // The first d present shards in index order, as the library picks them.
    const used: number[] = [];
    for (let i = 0; i < this.totalShards && used.length < d; i++) if (present[i]) used.push(i);
    if (used.length < d) return false;
    let missingData = false;
    for (let i = 0; i < d; i++) if (!present[i]) missingData = true;
    if (missingData) {
      const inverse = this.decodeMatrix(used);
      const rows: Uint8Array[] = [];
      const outputs: Uint8Array[] = [];
      for (let i = 0; i < d; i++) {
        if (present[i]) continue;
        rows.push(inverse[i]!);
        outputs.push(shards[i]!);
      }
      gfCombine(rows, used.map((i) => shards[i]!), outputs, length);
    }
    if (withParity) {
      const rows: Uint8Array[] = [];
      const outputs: Uint8Array[] = [];
      for (let j = 0; j < this.parityShards; j++) {
        if (present[d + j]) continue;
        rows.push(this.parityRows[j]!);
        outputs.push(shards[d + j]!);
      }
      if (outputs.length > 0) gfCombine(rows, shards.slice(0, d), outputs, length);
    }
    return true;
  }

  private decodeMatrix(used: readonly number[]): GfMatrix {
    const key = used.join(',');
    let inverse = this.decodeCache.get(key);
    if (!inverse) {
      inverse = invert(used.map((i) => this.matrix[i]!));
      if (this.decodeCache.size >= MAX_CACHED_DECODERS) this.decodeCache.delete(this.decodeCache.keys().next().value!);
      this.decodeCache.set(key, inverse);
    }
    return inverse;
  }

  private checkShards(shards: readonly Uint8Array[], length: number): void {
    if (shards.length !== this.totalShards) throw new RangeError(`expected ${this.totalShards} shards, got ${shards.length}`);
    for (const s of shards) if (s.length < length) throw new RangeError(`shard of ${s.length} bytes is shorter than ${length}`);
  }
}
