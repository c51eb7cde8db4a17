/**
 * One smux stream as a Node Duplex (docs/protocol/smux.md, section 3). Writes are cut into PSH
 * frames within the peer's window and complete when handed to KCP (so Node's
 * backpressure reaches all the way down); reads send UPDs as the application
 * consumes bytes.
 */
import { Duplex } from 'node:stream';
import { EndOfStreamError } from '@paqet/wire';
import { KcpError, KcpErrorCode } from '../errors.js';
import { SMUX_CMD_FIN, SMUX_CMD_PSH, SMUX_CMD_UPD } from './frame.js';

/**
 * What a stream gets from its session at construction (the muxer's services as callbacks,
 * so the stream never reaches into the session and the session listens for the stream's end).
 */
export interface SmuxStreamInit {
  id: number;
  maxFrameSize: number;
  /** The window this stream advertises in its UPDs (maxStreamBuffer, or more under fitStreamWindow). */
  streamWindow(): number;
  /** Queue a control frame (UPD) ahead of data on this sid. */
  sendControl(sid: number, cmd: number, payload: Uint8Array | null, a: number, b: number): void;
  /** Queue a data-class frame (PSH, FIN); `done` runs once it is handed to the transport. */
  sendData(sid: number, cmd: number, payload: Uint8Array | null, done: (() => void) | null): void;
  /** Bytes the application consumed go back to the session's receive bucket. */
  returnTokens(n: number): void;
  /** The stream is finished with the session (both FINs, or destroyed). */
  onUnregister(id: number): void;
}

/** Initial peer window before any UPD (docs/protocol/smux.md, section 3). */
export const SMUX_INITIAL_PEER_WINDOW = 262144;

interface PendingWrite {
  chunk: Buffer;
  off: number;
  cb: (err?: Error | null) => void;
}

export class SmuxStream extends Duplex {
  readonly id: number;
  private readonly services: SmuxStreamInit;
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
  /** The window our last UPD gave the peer (its credit is counted against this one). */
  private advertised = SMUX_INITIAL_PEER_WINDOW;
  private readWanted = false;
  private finReceived = false;
  private ended = false;
  /** @internal */ registered = true;

  /** @internal streams come from SmuxSession.openStream() and the 'stream' event. */
  constructor(init: SmuxStreamInit) {
    super({ allowHalfOpen: true, readableHighWaterMark: 65536, writableHighWaterMark: 65536 });
    this.services = init;
    this.id = init.id;
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
    // docs/protocol/smux.md, section 5: after the peer's FIN, writes fail with EOF, one waiting for window too.
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
    p?.cb(new KcpError(KcpErrorCode.SmuxClosed, 'smux session closed', 'close-stream'));
  }

  // ---------- reading ----------

  /** @internal */
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
      this.services.returnTokens(n);
      const window = this.services.streamWindow();
      // Half of the smaller of the window the peer holds and the new one: if the window grew
      // since the last UPD, the peer may only send `advertised` past the last consumed count,
      // so waiting for half the new window would stall it (docs/protocol/smux.md, section 3).
      if (this.incr >= Math.min(this.advertised, window) / 2 || this.numRead === n) {
        this.services.sendControl(this.id, SMUX_CMD_UPD, null, this.numRead, window);
        this.advertised = window;
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

  /** @internal */
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (!this.registered) return cb(new KcpError(KcpErrorCode.StreamClosed, 'smux stream closed', 'close-stream'));
    if (this.finReceived) return cb(writeAfterFinError());
    // An empty write sends no frame (as Go's smux) and is done at once.
    if (chunk.length === 0) return cb();
    this.pending = { chunk, off: 0, cb };
    this.trySend();
  }

  private trySend(): void {
    const p = this.pending;
    if (!p) return;
    const maxFrame = this.services.maxFrameSize;
    while (p.off < p.chunk.length) {
      const inflight = (this.numWritten - this.peerConsumed) | 0;
      if (inflight < 0) {
        this.pending = null;
        return p.cb(new KcpError(KcpErrorCode.SmuxProtocol, 'smux: peer consumed more than was written', 'close-stream'));
      }
      const win = (this.peerWindow | 0) - inflight;
      if (win <= 0) return; // wait for UPD
      const n = Math.min(win, p.chunk.length - p.off, maxFrame);
      const last = p.off + n === p.chunk.length;
      const payload = p.chunk.subarray(p.off, p.off + n);
      p.off += n;
      this.numWritten = (this.numWritten + n) >>> 0;
      this.services.sendData(this.id, SMUX_CMD_PSH, payload, last ? () => this.writeDone(p) : null);
    }
  }

  private writeDone(p: PendingWrite): void {
    if (this.pending === p) this.pending = null;
    p.cb();
  }

  /** @internal */
  override _final(cb: (err?: Error | null) => void): void {
    if (!this.registered || this.finSent) return cb();
    this.finSent = true;
    this.services.sendData(this.id, SMUX_CMD_FIN, null, () => {
      cb();
      this.maybeUnregister();
    });
  }

  /** @internal */
  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (this.registered) {
      if (!this.finSent) {
        this.finSent = true;
        this.services.sendData(this.id, SMUX_CMD_FIN, null, null);
      }
      this.unregister();
    }
    const p = this.pending;
    this.pending = null;
    p?.cb(err ?? new KcpError(KcpErrorCode.StreamClosed, 'smux stream destroyed', 'close-stream'));
    cb(err);
  }

  private maybeUnregister(): void {
    if (this.registered && this.finSent && this.finReceived && this.inbox.length === 0) this.unregister();
  }

  private unregister(): void {
    if (!this.registered) return;
    this.registered = false;
    // Unread bytes go back to the session bucket (docs/protocol/smux.md, section 3).
    if (this.inboxBytes > 0) this.services.returnTokens(this.inboxBytes);
    this.inbox.length = 0;
    this.inboxBytes = 0;
    this.services.onUnregister(this.id);
  }
}

/** Go's smux answers a write after the peer's FIN with io.EOF: FIN is not a half-close. */
function writeAfterFinError(): EndOfStreamError {
  return new EndOfStreamError('smux: the peer closed the stream (EOF); no more writes');
}
