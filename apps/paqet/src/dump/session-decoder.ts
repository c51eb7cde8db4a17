/**
 * Offline decoding of captured paqet traffic for `dump` with a config: open
 * each payload with the configured cipher, strip FEC framing, split KCP
 * segments, reassemble each direction's KCP byte stream in sn order, parse
 * smux frames from it and the paqet message that starts each stream, in
 * either header kind (upstream's binary header or the QUIC fork's gob one).
 * Everything is bounded and never throws on bad input: what cannot be decoded
 * is reported as such.
 */
import { FEC_HEADER_SIZE, FEC_TYPE_DATA, FEC_TYPE_PARITY, FrameParser, KCP_CMD_PUSH, parseSegments, type DatagramCipher } from '@paqet/kcp';
import { decodeStreamHeader, formatHostPort, type GobStreamMessage, type StreamHeaderKind } from '@paqet/wire';

const CMD_NAMES: Record<number, string> = { 81: 'PUSH', 82: 'ACK', 83: 'WASK', 84: 'WINS' };
/** Out-of-order KCP segments kept per direction before giving up on a gap. */
const MAX_PENDING_SEGMENTS = 4096;
/** Stream bytes kept per smux stream for the summary. */
const MAX_STREAM_BYTES = 1 << 20;

export interface StreamRecord {
  direction: string;
  sid: number;
  /** Whether this direction's streams start with a paqet message (client → server). */
  fromClient: boolean;
  message: GobStreamMessage | null;
  /** Which header kind the stream started with, once known. */
  headerKind: StreamHeaderKind | null;
  headerError: string | null;
  data: Buffer[];
  dataLength: number;
  fin: boolean;
  raw: Buffer;
}

/** One direction of one KCP conversation: in-order delivery into an smux frame parser. */
class DirectionState {
  private nextSn = 0;
  private readonly pending = new Map<number, Uint8Array>();
  private readonly parser: FrameParser;
  events: string[] = [];

  constructor(
    readonly name: string,
    private readonly streams: Map<string, StreamRecord>,
    /** Client→server streams start with a paqet message; the server's side is plain data. */
    private readonly carriesHeaders: boolean,
  ) {
    this.parser = new FrameParser(2, {
      onHeader: () => {},
      onSyn: (sid) => {
        this.events.push(`smux SYN sid=${sid}`);
        this.stream(sid);
      },
      onFin: (sid) => {
        this.events.push(`smux FIN sid=${sid}`);
        this.stream(sid).fin = true;
      },
      wantsPayload: () => true,
      onPsh: (sid, payload) => {
        const s = this.stream(sid);
        const line = this.addData(s, payload);
        this.events.push(`smux PSH sid=${sid} len=${payload.length}${line}`);
      },
      onNop: () => this.events.push('smux NOP'),
      onUpd: (sid, consumed, window) => this.events.push(`smux UPD sid=${sid} consumed=${consumed} window=${window}`),
      onProtocolError: (reason) => this.events.push(`smux protocol error: ${reason}`),
    });
  }

  private stream(sid: number): StreamRecord {
    const key = `${this.name}#${sid}`;
    let s = this.streams.get(key);
    if (!s) {
      s = {
        direction: this.name, sid, fromClient: this.carriesHeaders, message: null, headerKind: null, headerError: null,
        data: [], dataLength: 0, fin: false, raw: Buffer.alloc(0),
      };
      this.streams.set(key, s);
    }
    return s;
  }

  /** Feeds a PSH payload; returns what the paqet layer made of it (for the event line). */
  private addData(s: StreamRecord, payload: Buffer): string {
    if (this.carriesHeaders && s.message === null && s.headerError === null) {
      s.raw = Buffer.concat([s.raw, payload]);
      const r = decodeStreamHeader(s.raw);
      if (r.status === 'need-more') return '';
      s.headerKind = r.kind;
      if (r.status === 'malformed') {
        s.headerError = r.error.message;
        return `: paqet ${r.kind === 'gob' ? 'gob ' : ''}header malformed (${r.error.message})`;
      }
      s.message = r.message;
      const rest = s.raw.subarray(r.length);
      if (rest.length > 0) this.keep(s, rest);
      return `: paqet ${describeMessage(r.message, r.kind)}${rest.length > 0 ? ` + ${rest.length} data bytes` : ''}`;
    }
    this.keep(s, payload);
    return '';
  }

  private keep(s: StreamRecord, bytes: Buffer): void {
    s.dataLength += bytes.length;
    const room = MAX_STREAM_BYTES - s.data.reduce((n, b) => n + b.length, 0);
    if (room > 0) s.data.push(Buffer.from(bytes.subarray(0, room)));
  }

  /** A PUSH segment: deliver in sn order (retransmissions and duplicates are ignored). */
  push(sn: number, data: Uint8Array): void {
    if (((sn - this.nextSn) | 0) < 0 || this.pending.has(sn)) return;
    if (this.pending.size >= MAX_PENDING_SEGMENTS) return;
    this.pending.set(sn, Buffer.from(data));
    for (let next = this.pending.get(this.nextSn); next !== undefined; next = this.pending.get(this.nextSn)) {
      this.pending.delete(this.nextSn);
      this.nextSn = (this.nextSn + 1) >>> 0;
      this.parser.push(next);
    }
  }
}

/** `TCP host:port`; gob-headered messages (the fork's) are prefixed `gob `. */
export function describeMessage(m: GobStreamMessage, kind: StreamHeaderKind = 'binary'): string {
  return (kind === 'gob' ? 'gob ' : '') + describeBody(m);
}

function describeBody(m: GobStreamMessage): string {
  switch (m.type) {
    case 'ping': return 'PING';
    case 'pong': return 'PONG';
    case 'tun': return 'TUN';
    case 'tcpf': return `TCPF ${JSON.stringify(m.flags.map(flagLetters))}`;
    case 'tcp': return `TCP ${formatHostPort(m.host, m.port)}`;
    case 'udp': return `UDP ${formatHostPort(m.host, m.port)}`;
  }
}

function flagLetters(bits: number): string {
  const order: [number, string][] = [[0x02, 'S'], [0x01, 'F'], [0x04, 'R'], [0x08, 'P'], [0x10, 'A'], [0x20, 'U'], [0x40, 'E'], [0x80, 'C'], [0x100, 'N']];
  return order.filter(([b]) => bits & b).map(([, l]) => l).join('');
}

export interface DecodedDatagram {
  /** One line per KCP segment / smux frame / paqet message, or the reason it could not be opened. */
  lines: string[];
}

export class SessionDecoder {
  readonly streams = new Map<string, StreamRecord>();
  private readonly directions = new Map<string, DirectionState>();

  constructor(
    private readonly cipher: DatagramCipher,
    private readonly fec: boolean,
  ) {}

  /** `direction` names the flow, e.g. `10.200.1.1:40000 -> 10.200.1.2:9999`. */
  decode(direction: string, payload: Uint8Array, fromClient = true): DecodedDatagram {
    const lines: string[] = [];
    // open() works in place: keep the capture intact.
    const plain = this.cipher.open(Uint8Array.from(payload));
    if (typeof plain === 'string') return { lines: [`not a paqet datagram for this config (${plain})`] };
    let kcpBytes = plain;
    if (this.fec) {
      if (plain.length < FEC_HEADER_SIZE) return { lines: ['FEC: short packet'] };
      const seqid = (plain[0]! | (plain[1]! << 8) | (plain[2]! << 16) | (plain[3]! << 24)) >>> 0;
      const type = plain[4]! | (plain[5]! << 8);
      if (type === FEC_TYPE_PARITY) return { lines: [`FEC parity seqid=${seqid} (${plain.length - 6} bytes)`] };
      if (type !== FEC_TYPE_DATA) return { lines: [`FEC unknown type 0x${type.toString(16)} seqid=${seqid}`] };
      const size = plain[6]! | (plain[7]! << 8);
      kcpBytes = plain.subarray(FEC_HEADER_SIZE, Math.min(plain.length, 6 + size));
      lines.push(`FEC data seqid=${seqid}`);
    }
    const { segments, error } = parseSegments(kcpBytes);
    for (const seg of segments) {
      const key = `${direction} conv=${seg.conv}`;
      let dir = this.directions.get(key);
      if (!dir) this.directions.set(key, (dir = new DirectionState(direction, this.streams, fromClient)));
      lines.push(`KCP ${CMD_NAMES[seg.cmd] ?? seg.cmd} conv=0x${seg.conv.toString(16).padStart(8, '0')} sn=${seg.sn} una=${seg.una} wnd=${seg.wnd} len=${seg.len}`);
      if (seg.cmd === KCP_CMD_PUSH && seg.len > 0) {
        dir.events = [];
        dir.push(seg.sn, seg.data);
        for (const e of dir.events) lines.push(`  ${e}`);
      }
    }
    if (error) lines.push(`KCP: ${error}`);
    return { lines };
  }
}

