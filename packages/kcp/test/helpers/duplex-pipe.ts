/**
 * Two in-memory Duplex ends joined back to back (what a TCP connection looks like to smux):
 * each write reaches the peer on a later turn, and every write is recorded as written.
 */
import { Duplex } from 'node:stream';

export class PipeEnd extends Duplex {
  peer!: PipeEnd;
  readonly written: Buffer[] = [];
  /** Calls of flush(), which smux makes after a window update when the transport has one. */
  flushes = 0;

  constructor() {
    super({ allowHalfOpen: false });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    const copy = Buffer.from(chunk);
    this.written.push(copy);
    setImmediate(() => this.peer.push(copy));
    cb();
  }

  override _read(): void {}

  override _final(cb: () => void): void {
    setImmediate(() => this.peer.push(null));
    cb();
  }

  flush(): void {
    this.flushes++;
  }
}

export function duplexPair(): [PipeEnd, PipeEnd] {
  const a = new PipeEnd();
  const b = new PipeEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
