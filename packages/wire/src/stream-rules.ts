/**
 * Limits and errors shared by both stream header kinds (the binary header and
 * the gob header): the same host, port and flag-list rules apply to each.
 */
import { WireErrorCode } from './error-codes.js';
import { PaqetValueError } from './errors.js';

export const STREAM_MAX_HOST = 253;
export const STREAM_MAX_TCPF_ENTRIES = 64;

/** A header that cannot be decoded: the stream is closed. */
export function headerError(field: string, value: unknown, reason: string): PaqetValueError {
  return new PaqetValueError(WireErrorCode.StreamHeader, field, value, reason, 'close-stream');
}

export function encodeError(field: string, value: unknown, reason: string): PaqetValueError {
  return new PaqetValueError(WireErrorCode.StreamEncode, field, value, reason, 'close-stream');
}

export function checkTcpf(flags: readonly number[]): void {
  if (flags.length > STREAM_MAX_TCPF_ENTRIES) throw encodeError('tcpf count', flags.length, `at most ${STREAM_MAX_TCPF_ENTRIES} entries`);
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i];
    if (!Number.isInteger(f) || f! < 0 || f! > 0xffff) throw encodeError(`tcpf[${i}]`, f, 'must be a 16-bit flag word');
  }
}

export function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw encodeError('port', port, 'must be an integer 0..65535');
}

const utf8Encoder = new TextEncoder();

/** The host's UTF-8 bytes; longer than STREAM_MAX_HOST is an encode error. */
export function hostBytes(host: string): Uint8Array {
  const b = utf8Encoder.encode(host);
  if (b.length > STREAM_MAX_HOST) throw encodeError('host', host, `longer than ${STREAM_MAX_HOST} bytes (${b.length})`);
  return b;
}
