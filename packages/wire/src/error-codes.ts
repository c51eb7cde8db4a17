/**
 * Stable codes for every error @paqet/wire throws. Callers switch on these,
 * never on message text.
 */
export const WireErrorCode = {
  /** A MAC, IP address, port or endpoint text failed to parse or validate. */
  Address: 'PAQET_ERR_ADDRESS',
  /** Input ended before a header or field did. */
  Truncated: 'PAQET_ERR_TRUNCATED',
  /** A header field holds a value the format forbids (bad IHL, data offset...). */
  BadHeader: 'PAQET_ERR_BAD_HEADER',
  /** TCP options do not parse (length byte 0/1, runs past the header...). */
  BadTcpOption: 'PAQET_ERR_TCP_OPTION',
  /** The caller's output buffer cannot hold what is being assembled. */
  BufferTooSmall: 'PAQET_ERR_BUFFER_TOO_SMALL',
  /** A flag-letter string (local_flag / remote_flag) or flag list is invalid. */
  TcpFlags: 'PAQET_ERR_TCP_FLAGS',
  /** The envelope cannot build a frame for this destination (family not configured...). */
  Envelope: 'PAQET_ERR_ENVELOPE',
  /** A paqet stream header (magic, version, length, type, body) is malformed. */
  StreamHeader: 'PAQET_ERR_STREAM_HEADER',
  /** A paqet stream message cannot be encoded (host too long, too many flags...). */
  StreamEncode: 'PAQET_ERR_STREAM_ENCODE',
  /** The peer ended a stream (EndOfStreamError); an ordinary end, not a failure. */
  EndOfStream: 'PAQET_ERR_EOF',
} as const;

export type WireErrorCode = (typeof WireErrorCode)[keyof typeof WireErrorCode];
