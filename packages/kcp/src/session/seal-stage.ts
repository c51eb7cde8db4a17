/**
 * Datagrams of one flush, held until the flush ends so that a cipher with `sealBatch`
 * seals them in one call (interleaved rounds), then sent in their order. Sessions whose
 * cipher has no `sealBatch` never stage: they seal and send each datagram at once.
 */
import type { DatagramCipher } from '../crypto/types.js';

/** Datagrams per batch: enough to interleave, small enough to stay in cache (16 x 1.5 KB). */
const SLOTS = 16;
/** A slot holds any datagram (KCP's MTU limit is 1500), rounded to 16 bytes. */
const STRIDE = 1504;

export class SealStage {
  private readonly arena = new Uint8Array(SLOTS * STRIDE);
  private readonly payloadLengths = new Uint32Array(SLOTS);
  private count = 0;

  constructor(
    private readonly cipher: DatagramCipher & Required<Pick<DatagramCipher, 'sealBatch'>>,
    /** Sends one sealed datagram (a view valid during the call). */
    private readonly send: (datagram: Uint8Array) => void,
  ) {}

  static for(cipher: DatagramCipher, send: (datagram: Uint8Array) => void): SealStage | null {
    return typeof cipher.sealBatch === 'function' ? new SealStage(cipher as DatagramCipher & Required<Pick<DatagramCipher, 'sealBatch'>>, send) : null;
  }

  /** Copies `buf[0, headerSize + payloadLength)` (the envelope's room and the payload) into the next slot. */
  add(buf: Uint8Array, payloadLength: number): void {
    const length = this.cipher.headerSize + payloadLength;
    if (length + this.cipher.trailerSize > STRIDE || payloadLength < 0) {
      // Larger than any datagram KCP makes; seal it alone rather than fail.
      this.drain();
      const total = this.cipher.seal(buf, payloadLength);
      this.send(buf.subarray(0, total));
      return;
    }
    if (this.count === SLOTS) this.drain();
    // KCP's output buffer fits a slot whole: copying all of it needs no view per datagram.
    this.arena.set(buf.length <= STRIDE ? buf : buf.subarray(0, length), this.count * STRIDE);
    this.payloadLengths[this.count++] = payloadLength;
  }

  /** Seals and sends what is staged. */
  drain(): void {
    const n = this.count;
    if (n === 0) return;
    this.count = 0;
    this.cipher.sealBatch(this.arena, STRIDE, this.payloadLengths, n);
    const extra = this.cipher.headerSize + this.cipher.trailerSize;
    for (let i = 0; i < n; i++) {
      const start = i * STRIDE;
      this.send(this.arena.subarray(start, start + extra + this.payloadLengths[i]!));
    }
  }
}
