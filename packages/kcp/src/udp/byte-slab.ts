/**
 * Carves short-lived Buffers (datagram copies awaiting send) out of large
 * slabs, so each costs a view instead of a slice of Node's 8 KiB pool (fewer
 * ArrayBuffer allocations). A slab is never written again after it is handed
 * out; it is collected once every Buffer cut from it is gone, so use it only
 * for Buffers that die young (one long-lived slice pins the whole slab).
 */
export class ByteSlab {
  private slab: Buffer;
  private used = 0;

  constructor(private readonly slabSize = 1 << 20) {
    this.slab = Buffer.allocUnsafe(slabSize);
  }

  /** A fresh, writable `length`-byte Buffer the caller owns. */
  take(length: number): Buffer {
    if (length > this.slabSize >>> 2) return Buffer.allocUnsafe(length);
    if (this.used + length > this.slabSize) {
      this.slab = Buffer.allocUnsafe(this.slabSize);
      this.used = 0;
    }
    const b = this.slab.subarray(this.used, this.used + length);
    // Keep the next payload 8-byte aligned, as Node's own pool does.
    this.used = (this.used + length + 7) & ~7;
    return b;
  }
}
