/**
 * One smux stream as a Node Duplex (smux.md §5, §9). Writes are cut into PSH
 * frames within the peer's window and complete when handed to KCP (so Node's
 * backpressure reaches all the way down); reads send UPDs as the application
 * consumes bytes.
 */
import { Duplex } from 'node:stream';
import { SMUX_CMD_FIN, SMUX_CMD_PSH, SMUX_CMD_UPD } from './frame.js';
import type { SmuxSession } from './session.js';

/** Initial peer window before any UPD (smux.md §5.1). */
export const SMUX_INITIAL_PEER_WINDOW = 262144;

interface PendingWrite {
  chunk: Buffer;
  off: number;
  cb: (err?: Error | null) => void;
}

export class SmuxStream extends Duplex {
  readonly id: number;
  private readonly session: SmuxSession;
  // sender side
  private numWritten = 0;
  private peerConsumed = 0;
  private peerWindow = SMUX_INITIAL_PEER_WINDOW;
  private pending: PendingWrite | null = null;
  private finSent = false;
  // receiver side
  private readonly inbox: Buffer[] = [];
  private inboxBytes = 0;
  private numRead = 0;
  private incr = 0;
  private readWanted = false;
  private finReceived = false;
  private ended = false;
  /** @internal */ registered = true;

  constructor(session: SmuxSession, id: number) {
    super({ allowHalfOpen: true, readableHighWaterMark: 65536, writableHighWaterMark: 65536 });
    this.session = session;
    this.id = id;
  }

  /** True once the peer's FIN arrived. */
  get remoteClosed(): boolean {
    return this.finReceived;
  }

  // ---------- from the session ----------

  /** @internal */
  handlePush(payload: Buffer): void {
    this.inbox.push(payload);
    this.inboxBytes += payload.length;
    if (this.readWanted) this.deliver();
  }

  /** @internal */
  handleFin(): void {
    this.finReceived = true;
    // smux.md §9: after the peer's FIN, writes fail with EOF, one waiting for window too.
    const p = this.pending;
    this.pending = null;
    p?.cb(writeAfterFinError());
    if (this.readWanted || this.inbox.length === 0) this.deliver();
    this.maybeUnregister();
  }

  /** @internal */
  handleUpd(consumed: number, window: number): void {
    this.peerConsumed = consumed;
    this.peerWindow = window;
    this.trySend();
  }

  /** @internal the session died: no more I/O. */
  handleSessionClosed(): void {
    this.registered = false;
    const p = this.pending;
    this.pending = null;
    if (!this.destroyed) this.destroy();
    p?.cb(new Error('smux session closed'));
  }

  // ---------- reading ----------

  override _read(): void {
    this.readWanted = true;
    this.deliver();
  }

  private deliver(): void {
    while (this.inbox.length > 0) {
      const b = this.inbox.shift()!;
      this.inboxBytes -= b.length;
      const n = b.length;
      this.numRead = (this.numRead + n) >>> 0;
      this.incr += n;
      this.session.returnTokens(n);
      const window = this.session.streamWindow();
      if (this.incr >= window / 2 || this.numRead === n) {
        this.session.enqueueControl(this.id, SMUX_CMD_UPD, null, this.numRead, window);
        this.incr = 0;
      }
      if (!this.push(b)) {
        this.readWanted = false;
        break;
      }
    }
    if (this.inbox.length === 0 && this.finReceived && !this.ended) {
      this.ended = true;
      this.push(null);
    }
  }

  // ---------- writing ----------

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (!this.registered) return cb(new Error('smux stream closed'));
    if (this.finReceived) return cb(writeAfterFinError());
    this.pending = { chunk, off: 0, cb };
    this.trySend();
  }

  private trySend(): void {
    const p = this.pending;
    if (!p) return;
    const maxFrame = this.session.config.maxFrameSize;
    while (p.off < p.chunk.length) {
      const inflight = (this.numWritten - this.peerConsumed) | 0;
      if (inflight < 0) {
        this.pending = null;
        return p.cb(new Error('smux: peer consumed more than was written'));
      }
      const win = (this.peerWindow | 0) - inflight;
      if (win <= 0) return; // wait for UPD
      const n = Math.min(win, p.chunk.length - p.off, maxFrame);
      const last = p.off + n === p.chunk.length;
      const payload = p.chunk.subarray(p.off, p.off + n);
      p.off += n;
      this.numWritten = (this.numWritten + n) >>> 0;
      this.session.enqueueData(this.id, SMUX_CMD_PSH, payload, last ? () => this.writeDone(p) : null);
    }
  }

  private writeDone(p: PendingWrite): void {
    if (this.pending === p) this.pending = null;
    p.cb();
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (!this.registered || this.finSent) return cb();
    this.finSent = true;
    this.session.enqueueData(this.id, SMUX_CMD_FIN, null, () => {
      cb();
      this.maybeUnregister();
    });
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (this.registered) {
      if (!this.finSent) {
        this.finSent = true;
        this.session.enqueueData(this.id, SMUX_CMD_FIN, null, null);
      }
      this.unregister();
    }
    const p = this.pending;
    this.pending = null;
    p?.cb(err ?? new Error('smux stream destroyed'));
    cb(err);
  }

  private maybeUnregister(): void {
    if (this.registered && this.finSent && this.finReceived && this.inbox.length === 0) this.unregister();
  }

  private unregister(): void {
    if (!this.registered) return;
    this.registered = false;
    // Unread bytes go back to the session bucket (smux.md §9).
    if (this.inboxBytes > 0) this.session.returnTokens(this.inboxBytes);
    this.inbox.length = 0;
    this.inboxBytes = 0;
    this.session.removeStream(this.id);
  }
}

/**
 * Go's smux answers a write after the peer's FIN with io.EOF: FIN is not a half-close.
 * EPIPE is the Node code for writing to a closed pipe, so relays treat it as an ordinary end.
 */
function writeAfterFinError(): Error {
  return Object.assign(new Error('smux: the peer closed the stream (EOF); no more writes'), { code: 'EPIPE' });
}
