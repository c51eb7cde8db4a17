import { PaqetValueError } from '@paqet/wire';

/** Largest UDP payload paqet relays (docs/protocol/stream-header.md, section 3, packages/proxy/README.md). */
export const MAX_UDP_PAYLOAD = 4096;

/**
 * UDP-over-stream framing (docs/protocol/stream-header.md, section 3): one datagram is one stream write with
 * exactly the datagram bytes (no length prefix), so it travels as one smux data frame,
 * and one stream read returns at most one frame. The "encoding" is therefore a size
 * rule; the decoding reproduces what the reference readers do with their fixed buffers.
 */
export function encodeUdpFrame(datagram: Uint8Array): Uint8Array {
  if (datagram.length === 0 || datagram.length > MAX_UDP_PAYLOAD) {
    // An empty write sends no smux frame at all, so an empty datagram cannot be carried either.
    throw new PaqetValueError('PAQET_ERR_UDP_DATAGRAM_SIZE', 'datagram length', datagram.length, `must be 1-${MAX_UDP_PAYLOAD}`, 'drop-packet');
  }
  return datagram;
}

/** True when `length` can be carried as one frame (the non-throwing form of encodeUdpFrame). */
export function isRelayableDatagramLength(length: number): boolean {
  return length > 0 && length <= MAX_UDP_PAYLOAD;
}

/**
 * Which reader to imitate. `server`: the target relay reads with a 4097-byte buffer and
 * discards any read that fills it (the rest of such a frame is then read as a datagram of
 * its own). `client`: SOCKS/forward readers use a 4096-byte buffer, so a longer frame is
 * delivered as several datagrams.
 */
export type UdpFrameReader = 'server' | 'client';

/**
 * Splits one received frame (one stream chunk) into datagrams. `emit` gets views into
 * `frame` (no copy). Returns how many bytes were discarded.
 */
export function decodeUdpFrame(frame: Uint8Array, reader: UdpFrameReader, emit: (datagram: Uint8Array) => void): number {
  const readSize = reader === 'server' ? MAX_UDP_PAYLOAD + 1 : MAX_UDP_PAYLOAD;
  if (frame.length <= MAX_UDP_PAYLOAD) {
    if (frame.length > 0) emit(frame);
    return 0;
  }
  let discarded = 0;
  for (let offset = 0; offset < frame.length; offset += readSize) {
    const piece = frame.subarray(offset, offset + readSize);
    if (piece.length > MAX_UDP_PAYLOAD) discarded += piece.length;
    else emit(piece);
  }
  return discarded;
}
