/**
 * One server, both kinds of client: which stream header a stream starts with
 * (docs/upstream-and-fork.md, "Telling the kinds apart").
 *
 * The binary header always begins `50 01` (magic, version). A gob header
 * begins with a message length and then a type id; `50 01` there would be an
 * 80-byte message defining type id 1, which is gob's predefined `bool`: no gob
 * encoder writes that and every gob decoder (ours included) refuses it. So two
 * bytes decide: `50 01` is binary, anything else is gob (or garbage, which the
 * gob decoder then reports as malformed). The fork's own first byte is 0x30,
 * the length of its first type definition. Garbage is refused early: the gob
 * decoder judges the type id (byte 2 or 3) before waiting for the message
 * length it seems to announce, so upstream's "bad magic" streams still close
 * at once.
 */
import { encodeError } from './stream-rules.js';
import type { PaqetValueError } from './errors.js';
import { HeaderAccumulator } from './header-accumulator.js';
import { decodeStreamMessage, encodeStreamMessage, STREAM_MAGIC, STREAM_VERSION } from './stream-header.js';
import { decodeGobStreamMessage, encodeGobStreamMessage } from './gob/stream.js';
import type { GobStreamMessage } from './gob/paqet-header.js';

/** `binary`: upstream paqet alpha.21's 5-byte header. `gob`: the QUIC fork's gob record. */
export type StreamHeaderKind = 'binary' | 'gob';

/** The kind of the header starting at `offset`, or null until enough bytes (at most 2) are there. */
export function detectStreamHeaderKind(bytes: Uint8Array, offset = 0, end = bytes.length): StreamHeaderKind | null {
  if (end <= offset) return null;
  if (bytes[offset] !== STREAM_MAGIC) return 'gob';
  if (end - offset < 2) return null;
  return bytes[offset + 1] === STREAM_VERSION ? 'binary' : 'gob';
}

export type StreamHeaderDecodeResult =
  | { status: 'need-more'; needed: number }
  | { status: 'malformed'; kind: StreamHeaderKind; error: PaqetValueError }
  | { status: 'complete'; kind: StreamHeaderKind; message: GobStreamMessage; length: number };

/** Detects the kind, then decodes with that kind's rules. Never throws. */
export function decodeStreamHeader(bytes: Uint8Array, offset = 0, end = bytes.length): StreamHeaderDecodeResult {
  const kind = detectStreamHeaderKind(bytes, offset, end);
  if (kind === null) return { status: 'need-more', needed: end - offset + 1 };
  const r = kind === 'binary' ? decodeStreamMessage(bytes, offset, end) : decodeGobStreamMessage(bytes, offset, end);
  return r.status === 'need-more' ? r : { ...r, kind };
}

/** `message` in the given kind; TUN exists only in the gob kind. */
export function encodeStreamHeader(kind: StreamHeaderKind, message: GobStreamMessage): Uint8Array {
  if (kind === 'gob') return encodeGobStreamMessage(message);
  if (message.type === 'tun') throw encodeError('type', message.type, 'the binary header has no TUN message');
  return encodeStreamMessage(message);
}

/**
 * Incremental reader for a stream of either kind: feed chunks as they arrive.
 * On 'complete', `kind` says how to answer and `rest` holds relay bytes that
 * came with the header.
 */
export class StreamHeaderReader extends HeaderAccumulator<StreamHeaderDecodeResult> {
  constructor() {
    super(decodeStreamHeader);
  }
}
