/**
 * The buffering behind the incremental stream-header readers: chunks are
 * appended until the decoder says complete or malformed. The decoder is only
 * re-run once the bytes it asked for are there, so a peer trickling single
 * bytes costs one decode per message boundary, not one per byte.
 */
/** The part of a decode result the buffering needs. */
export type HeaderDecoded = { status: 'need-more'; needed: number } | { status: 'malformed' } | { status: 'complete'; length: number };

const EMPTY = new Uint8Array(0);

/** Base of the stream-header readers: `push(chunk)` gives the decode result plus `rest`, the bytes after the header. */
export class HeaderAccumulator<R extends HeaderDecoded> {
  private buf = new Uint8Array(64);
  private used = 0;
  private needed = 1;
  private done: (R & { rest: Uint8Array }) | null = null;

  constructor(private readonly decode: (bytes: Uint8Array, offset: number, end: number) => R) {}

  push(chunk: Uint8Array): R & { rest: Uint8Array } {
    if (this.done) return this.done;
    if (this.used + chunk.length > this.buf.length) {
      const grown = new Uint8Array(Math.max(this.buf.length * 2, this.used + chunk.length));
      grown.set(this.buf.subarray(0, this.used));
      this.buf = grown;
    }
    this.buf.set(chunk, this.used);
    this.used += chunk.length;
    if (this.used < this.needed) return { status: 'need-more', needed: this.needed, rest: EMPTY } as unknown as R & { rest: Uint8Array };
    const r = this.decode(this.buf, 0, this.used);
    if (r.status === 'need-more') {
      this.needed = r.needed;
      return { ...r, rest: EMPTY };
    }
    const rest = r.status === 'complete' ? this.buf.slice(r.length, this.used) : EMPTY;
    this.done = { ...r, rest };
    // The header is decoded: only `rest` is still needed.
    this.buf = EMPTY;
    return this.done;
  }

  /** Bytes received so far (a stream that ends with none was an empty probe stream). */
  get bufferedLength(): number {
    return this.used;
  }
}
