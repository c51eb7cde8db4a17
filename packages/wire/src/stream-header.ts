/**
 * paqet's stream header (protocol.md 2): the one message that starts every
 * smux stream a client opens. 5-byte header (magic 0x50, version 1, type,
 * big-endian body length <= 4096) plus a type-specific body.
 */
import { WireErrorCode } from './error-codes.js';
import { PaqetValueError } from './errors.js';
import { HeaderAccumulator } from './header-accumulator.js';
import { readU16, writeU16 } from './layers/bounds.js';
import { checkPort, checkTcpf, encodeError, headerError, hostBytes, STREAM_MAX_HOST, STREAM_MAX_TCPF_ENTRIES } from './stream-rules.js';

export { STREAM_MAX_HOST, STREAM_MAX_TCPF_ENTRIES };

export const STREAM_MAGIC = 0x50;
export const STREAM_VERSION = 0x01;
export const STREAM_HEADER_LENGTH = 5;
export const STREAM_MAX_BODY = 4096;

export const StreamMessageType = {
  Ping: 0x01,
  Pong: 0x02,
  Tcpf: 0x03,
  Tcp: 0x04,
  Udp: 0x05,
} as const;

export type StreamMessage =
  | { type: 'ping' }
  | { type: 'pong' }
  /** Flag sets with TCP bit positions (see TcpFlag); empty = "forget my flags". */
  | { type: 'tcpf'; flags: number[] }
  /** `host` is the opaque host text (DNS name or IP literal without brackets), decoded as UTF-8. */
  | { type: 'tcp'; host: string; port: number }
  | { type: 'udp'; host: string; port: number };

export type StreamDecodeResult =
  /** `needed` = total bytes (from the message start) required before the decoder can say more. */
  | { status: 'need-more'; needed: number }
  /** `error.field` / `error.value` name what failed; the stream should be closed. */
  | { status: 'malformed'; error: PaqetValueError }
  /** `length` = bytes the message occupied; what follows belongs to the relay. */
  | { status: 'complete'; message: StreamMessage; length: number };

function malformed(field: string, value: unknown, reason: string): StreamDecodeResult {
  return { status: 'malformed', error: headerError(field, value, reason) };
}

const utf8Decoder = new TextDecoder('utf-8');

/**
 * Decodes one message from `bytes[offset, end)` following the reader rules of
 * protocol.md 2.4 in order: 5 header bytes, magic, version, body length, the
 * whole body, then the type-specific checks. Never throws.
 */
export function decodeStreamMessage(bytes: Uint8Array, offset = 0, end = bytes.length): StreamDecodeResult {
  const have = end - offset;
  if (have < STREAM_HEADER_LENGTH) return { status: 'need-more', needed: STREAM_HEADER_LENGTH };
  const magic = bytes[offset];
  if (magic !== STREAM_MAGIC) return malformed('magic', magic, `must be 0x${STREAM_MAGIC.toString(16)}`);
  const version = bytes[offset + 1];
  if (version !== STREAM_VERSION) return malformed('version', version, `unsupported (only ${STREAM_VERSION})`);
  const type = bytes[offset + 2];
  const length = readU16(bytes, offset + 3);
  if (length > STREAM_MAX_BODY) return malformed('length', length, `body length exceeds ${STREAM_MAX_BODY}`);
  const total = STREAM_HEADER_LENGTH + length;
  if (have < total) return { status: 'need-more', needed: total };
  const body = offset + STREAM_HEADER_LENGTH;
  switch (type) {
    case StreamMessageType.Ping:
      return { status: 'complete', message: { type: 'ping' }, length: total };
    case StreamMessageType.Pong:
      return { status: 'complete', message: { type: 'pong' }, length: total };
    case StreamMessageType.Tcp:
    case StreamMessageType.Udp: {
      if (length < 3) return malformed('length', length, 'address body needs at least 3 bytes');
      const hl = bytes[body];
      if (hl > STREAM_MAX_HOST) return malformed('host length', hl, `exceeds ${STREAM_MAX_HOST}`);
      if (1 + hl + 2 !== length) return malformed('host length', hl, `1 + ${hl} + 2 does not equal body length ${length}`);
      const host = utf8Decoder.decode(bytes.subarray(body + 1, body + 1 + hl));
      const port = readU16(bytes, body + 1 + hl);
      return { status: 'complete', message: { type: type === StreamMessageType.Tcp ? 'tcp' : 'udp', host, port }, length: total };
    }
    case StreamMessageType.Tcpf: {
      if (length === 0) return malformed('length', length, 'TCPF body must not be empty');
      const count = bytes[body];
      if (count > STREAM_MAX_TCPF_ENTRIES) return malformed('tcpf count', count, `exceeds ${STREAM_MAX_TCPF_ENTRIES}`);
      if (1 + 2 * count !== length) return malformed('tcpf count', count, `1 + 2*${count} does not equal body length ${length}`);
      const flags: number[] = [];
      // Bits 9-15 of each word are ignored by the reader.
      for (let i = 0; i < count; i++) flags.push(readU16(bytes, body + 1 + 2 * i) & 0x1ff);
      return { status: 'complete', message: { type: 'tcpf', flags }, length: total };
    }
    default:
      return malformed('type', type, 'unknown message type');
  }
}

/** Encoded size of `message` (header + body); throws a typed error if it violates the writer rules. */
export function streamMessageLength(message: StreamMessage): number {
  switch (message.type) {
    case 'ping':
    case 'pong':
      return STREAM_HEADER_LENGTH;
    case 'tcpf':
      checkTcpf(message.flags);
      return STREAM_HEADER_LENGTH + 1 + 2 * message.flags.length;
    case 'tcp':
    case 'udp':
      return STREAM_HEADER_LENGTH + 3 + hostBytes(message.host).length;
    default:
      throw encodeError('type', (message as { type: unknown }).type, 'unknown message type');
  }
}

/** Writes `message` at `out[offset]` and returns its length (one buffer: write it with one call). */
export function encodeStreamMessageInto(out: Uint8Array, offset: number, message: StreamMessage): number {
  const total = streamMessageLength(message);
  if (!Number.isInteger(offset) || offset < 0 || offset + total > out.length) {
    throw new PaqetValueError(WireErrorCode.BufferTooSmall, 'stream message', out.length, `needs ${total} bytes at offset ${offset}`);
  }
  out[offset] = STREAM_MAGIC;
  out[offset + 1] = STREAM_VERSION;
  writeU16(out, offset + 3, total - STREAM_HEADER_LENGTH);
  const body = offset + STREAM_HEADER_LENGTH;
  switch (message.type) {
    case 'ping':
      out[offset + 2] = StreamMessageType.Ping;
      break;
    case 'pong':
      out[offset + 2] = StreamMessageType.Pong;
      break;
    case 'tcpf':
      out[offset + 2] = StreamMessageType.Tcpf;
      out[body] = message.flags.length;
      for (let i = 0; i < message.flags.length; i++) writeU16(out, body + 1 + 2 * i, message.flags[i]);
      break;
    case 'tcp':
    case 'udp': {
      const port = message.port;
      checkPort(port);
      const h = hostBytes(message.host);
      out[offset + 2] = message.type === 'tcp' ? StreamMessageType.Tcp : StreamMessageType.Udp;
      out[body] = h.length;
      out.set(h, body + 1);
      writeU16(out, body + 1 + h.length, port);
      break;
    }
  }
  return total;
}

export function encodeStreamMessage(message: StreamMessage): Uint8Array {
  const out = new Uint8Array(streamMessageLength(message));
  encodeStreamMessageInto(out, 0, message);
  return out;
}

/** `50 01 01 00 00` */
export function encodePing(): Uint8Array {
  return encodeStreamMessage({ type: 'ping' });
}
/** `50 01 02 00 00` */
export function encodePong(): Uint8Array {
  return encodeStreamMessage({ type: 'pong' });
}
/** TCPF with the given flag sets (an empty list clears the peer's entry). */
export function encodeTcpf(flags: readonly number[]): Uint8Array {
  return encodeStreamMessage({ type: 'tcpf', flags: [...flags] });
}
/** TCP relay request for `host:port` (host without brackets). */
export function encodeTcp(host: string, port: number): Uint8Array {
  return encodeStreamMessage({ type: 'tcp', host, port });
}
/** UDP relay request for `host:port` (host without brackets). */
export function encodeUdp(host: string, port: number): Uint8Array {
  return encodeStreamMessage({ type: 'udp', host, port });
}

/**
 * Incremental reader for the first message of a stream: feed chunks as they
 * arrive. On 'complete', `rest` holds the bytes after the message (relay data
 * that arrived in the same read). After a terminal result, further pushes
 * return that same result.
 */
export class StreamMessageReader extends HeaderAccumulator<StreamDecodeResult> {
  constructor() {
    super(decodeStreamMessage);
  }
}
