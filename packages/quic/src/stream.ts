/**
 * One QUIC bidirectional stream as a Node Duplex. Writes complete when quiche
 * has taken the bytes (its send buffer is bounded by flow control and the
 * congestion window), so backpressure reaches the network; reads pull from
 * quiche only while Node wants data, so an unread stream stops granting the
 * peer flow-control credit. `end()` sends FIN (a true half-close: the other
 * direction keeps working); `destroy()` resets both directions.
 */
import { Duplex } from 'node:stream';

/** What a stream needs from its session (given at construction: no back-reference). */
export interface StreamHost {
  /** Assign an id to a locally opened stream if the peer's stream limit allows; false = wait. */
  open(stream: QuicStream): boolean;
  /** Bytes quiche took, or null when it has no room now; throws a quiche error for a stopped stream. */
  send(id: number, data: Uint8Array, fin: boolean): number | null;
  /** [bytes, fin] read into the session's scratch buffer, or null when nothing is readable. */
  recv(id: number): { data: Uint8Array; fin: boolean } | null;
  /** Reset the write side and/or stop the read side. */
  abort(id: number, write: boolean, read: boolean): void;
  /** Send what was queued, soon. */
  flushSoon(): void;
  /** quiche took only part of our bytes (or not our FIN): call onWritable when it has room. Also flushes soon. */
  waitWritable(stream: QuicStream): void;
  /** Whether Node wants bytes from this stream now (the session polls such streams first). */
  readInterest(stream: QuicStream, wanted: boolean): void;
  /** Bytes were read: quiche may owe the peer a flow-control update, which must be sent soon. */
  consumed(): void;
  /** The stream is done with: forget it. */
  forget(stream: QuicStream): void;
}

const EMPTY = new Uint8Array(0);

interface PendingWrite {
  chunk: Uint8Array;
  off: number;
  cb: (err?: Error | null) => void;
}

export class QuicStream extends Duplex {
  /** QUIC stream id; -1 while a locally opened stream waits for the peer's stream limit. */
  id: number;
  private readonly host: StreamHost;
  private pending: PendingWrite | null = null;
  private finalCb: ((err?: Error | null) => void) | null = null;
  private finSent = false;
  private readWanted = false;
  private readEnded = false;
  private forgotten = false;

  /** @internal created by QuicSession */
  constructor(host: StreamHost, id: number) {
    super({ allowHalfOpen: true, readableHighWaterMark: 65536, writableHighWaterMark: 65536 });
    this.host = host;
    this.id = id;
  }

  // ---------- from the session ----------

  /** @internal quiche has data or FIN for us. */
  onReadable(): void {
    if (this.readWanted) this.pull();
  }

  /** @internal quiche has room for more of our bytes. */
  onWritable(): void {
    this.trySend();
  }

  /** @internal the session is gone. */
  onSessionClosed(reason: string): void {
    this.forgotten = true;
    const err = Object.assign(new Error(`QUIC connection closed: ${reason}`), { code: 'ECONNRESET' });
    this.failPending(err);
    if (!this.destroyed) this.destroy();
  }

  // ---------- reading ----------

  override _read(): void {
    if (!this.readWanted) {
      this.readWanted = true;
      this.host.readInterest(this, true);
    }
    this.pull();
  }

  private pull(): void {
    if (this.id < 0 || this.readEnded) return;
    if (this.pullChunks()) this.host.consumed();
  }

  /** Pushes what quiche has while Node wants it; true if anything was read. */
  private pullChunks(): boolean {
    let read = false;
    for (;;) {
      let r: { data: Uint8Array; fin: boolean } | null;
      try {
        r = this.host.recv(this.id);
      } catch (err) {
        // RESET_STREAM from the peer: the stream is broken, not ended.
        this.destroy(Object.assign(new Error(`QUIC stream ${this.id} reset by peer: ${(err as Error).message}`), { code: 'ECONNRESET' }));
        return read;
      }
      if (r === null) return read;
      read = true;
      // A copy: r.data lives in the session's scratch buffer.
      const more = r.data.length === 0 || this.push(Buffer.from(r.data));
      if (r.fin) {
        this.readEnded = true;
        this.readWanted = false;
        this.host.readInterest(this, false);
        this.push(null);
        this.maybeForget();
        return read;
      }
      if (!more) {
        this.readWanted = false;
        this.host.readInterest(this, false);
        return read;
      }
    }
  }

  // ---------- writing ----------

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.pending = { chunk, off: 0, cb };
    this.trySend();
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.finalCb = cb;
    this.trySend();
  }

  private trySend(): void {
    if (this.forgotten || this.destroyed) return;
    if (this.id < 0 && !this.host.open(this)) return; // the session retries when the peer allows more streams
    try {
      const p = this.pending;
      if (p) {
        while (p.off < p.chunk.length) {
          const n = this.host.send(this.id, p.off === 0 ? p.chunk : p.chunk.subarray(p.off), false);
          if (n === null || n === 0) break;
          p.off += n;
        }
        if (p.off < p.chunk.length) return this.host.waitWritable(this);
        this.pending = null;
        p.cb();
      }
      if (this.finalCb && !this.pending && !this.finSent) {
        // A bare FIN still needs room in quiche's queue; null means "later" (onWritable).
        if (this.host.send(this.id, EMPTY, true) === null) return this.host.waitWritable(this);
        this.finSent = true;
        const cb = this.finalCb;
        this.finalCb = null;
        cb();
        this.maybeForget();
      }
    } catch (err) {
      // STOP_SENDING from the peer: like a write to a closed pipe.
      this.failPending(Object.assign(new Error(`QUIC stream ${this.id}: peer stopped reading (${(err as Error).message})`), { code: 'EPIPE' }));
    }
    this.host.flushSoon();
  }

  private failPending(err: Error): void {
    const p = this.pending;
    const f = this.finalCb;
    this.pending = null;
    this.finalCb = null;
    p?.cb(err);
    f?.(err);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (!this.forgotten && this.id >= 0) this.host.abort(this.id, !this.finSent, !this.readEnded);
    this.failPending(err ?? Object.assign(new Error('QUIC stream destroyed'), { code: 'ERR_STREAM_DESTROYED' }));
    this.forget();
    cb(err);
  }

  private maybeForget(): void {
    if (this.finSent && this.readEnded) this.forget();
  }

  private forget(): void {
    if (this.forgotten) return;
    this.forgotten = true;
    this.host.forget(this);
  }
}
