/**
 * smux frames (docs/protocol/smux.md, section 1): 8-byte header [ver][cmd][len u16 LE][sid u32 LE],
 * and an incremental parser that reads payloads exactly as the Go receiver does.
 */
export const SMUX_CMD_SYN = 0;
export const SMUX_CMD_FIN = 1;
export const SMUX_CMD_PSH = 2;
export const SMUX_CMD_NOP = 3;
export const SMUX_CMD_UPD = 4;
export const SMUX_HEADER_SIZE = 8;
export const SMUX_UPD_SIZE = 8;

export function encodeFrameHeader(buf: Uint8Array, off: number, version: number, cmd: number, length: number, sid: number): number {
  buf[off] = version;
  buf[off + 1] = cmd;
  buf[off + 2] = length;
  buf[off + 3] = length >>> 8;
  buf[off + 4] = sid;
  buf[off + 5] = sid >>> 8;
  buf[off + 6] = sid >>> 16;
  buf[off + 7] = sid >>> 24;
  return off + SMUX_HEADER_SIZE;
}

export interface FrameSink {
  /** Any frame header was read (keepalive evidence). */
  onHeader(): void;
  onSyn(sid: number): void;
  onFin(sid: number): void;
  /** Return false to have the payload skipped without allocating (unknown / closed stream). */
  wantsPayload(sid: number): boolean;
  onPsh(sid: number, payload: Buffer): void;
  onNop(): void;
  onUpd(sid: number, consumed: number, window: number): void;
  onProtocolError(reason: string): void;
}

const enum State {
  Header,
  Payload,
  Skip,
  Upd,
  Dead,
}

/** Push bytes in any chunking; frames come out through the sink. */
export class FrameParser {
  private readonly header = new Uint8Array(SMUX_HEADER_SIZE);
  private headerLen = 0;
  private state = State.Header;
  private sid = 0;
  private payload: Buffer | null = null;
  private remaining = 0;
  private got = 0;
  private readonly upd = new Uint8Array(SMUX_UPD_SIZE);

  constructor(
    private readonly version: number,
    private readonly sink: FrameSink,
  ) {}

  get dead(): boolean {
    return this.state === State.Dead;
  }

  push(chunk: Uint8Array): void {
    let off = 0;
    const n = chunk.length;
    while (off < n) {
      switch (this.state) {
        case State.Dead:
          return;
        case State.Header: {
          const take = Math.min(SMUX_HEADER_SIZE - this.headerLen, n - off);
          this.header.set(chunk.subarray(off, off + take), this.headerLen);
          this.headerLen += take;
          off += take;
          if (this.headerLen === SMUX_HEADER_SIZE) {
            this.headerLen = 0;
            this.onHeader();
          }
          break;
        }
        case State.Payload: {
          const take = Math.min(this.remaining - this.got, n - off);
          this.payload!.set(chunk.subarray(off, off + take), this.got);
          this.got += take;
          off += take;
          if (this.got === this.remaining) {
            const p = this.payload!;
            this.payload = null;
            this.state = State.Header;
            this.sink.onPsh(this.sid, p);
          }
          break;
        }
        case State.Skip: {
          const take = Math.min(this.remaining, n - off);
          this.remaining -= take;
          off += take;
          if (this.remaining === 0) this.state = State.Header;
          break;
        }
        case State.Upd: {
          const take = Math.min(SMUX_UPD_SIZE - this.got, n - off);
          this.upd.set(chunk.subarray(off, off + take), this.got);
          this.got += take;
          off += take;
          if (this.got === SMUX_UPD_SIZE) {
            this.state = State.Header;
            const u = this.upd;
            const consumed = (u[0] | (u[1] << 8) | (u[2] << 16) | (u[3] << 24)) >>> 0;
            const window = (u[4] | (u[5] << 8) | (u[6] << 16) | (u[7] << 24)) >>> 0;
            this.sink.onUpd(this.sid, consumed, window);
          }
          break;
        }
      }
    }
  }

  private onHeader(): void {
    const h = this.header;
    const ver = h[0];
    const cmd = h[1];
    const length = h[2] | (h[3] << 8);
    const sid = (h[4] | (h[5] << 8) | (h[6] << 16) | (h[7] << 24)) >>> 0;
    if (ver !== this.version) return this.fail(`bad version ${ver}`);
    this.sink.onHeader();
    this.sid = sid;
    switch (cmd) {
      case SMUX_CMD_SYN:
        this.sink.onSyn(sid); // SYN/FIN/NOP: no payload is read, whatever length says
        return;
      case SMUX_CMD_FIN:
        this.sink.onFin(sid);
        return;
      case SMUX_CMD_NOP:
        this.sink.onNop();
        return;
      case SMUX_CMD_PSH:
        if (length === 0) return;
        if (this.sink.wantsPayload(sid)) {
          // Its own allocation, not a slab slice: the application may keep a
          // payload for long, and a slice would pin the whole slab.
          this.payload = Buffer.allocUnsafe(length);
          this.remaining = length;
          this.got = 0;
          this.state = State.Payload;
        } else {
          this.remaining = length;
          this.state = State.Skip;
        }
        return;
      case SMUX_CMD_UPD:
        if (this.version < 2) return this.fail('UPD under version 1');
        this.got = 0;
        this.state = State.Upd; // always exactly 8 bytes, whatever length says
        return;
      default:
        return this.fail(`unknown command ${cmd}`);
    }
  }

  private fail(reason: string): void {
    this.state = State.Dead;
    this.payload = null;
    this.sink.onProtocolError(reason);
  }
}
