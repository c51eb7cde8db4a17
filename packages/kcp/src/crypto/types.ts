/**
 * Contract between the datagram layer (crypto/, fec/) and the session layer
 * (session/). The session never cares which cipher it has.
 */

import type { BlockName } from './registry.js';

/** Why an inbound datagram was dropped; counted by the session layer. */
export type DropReason = 'short' | 'crc' | 'auth' | 'fec-malformed' | 'kcp-malformed' | 'conv' | 'unknown-session';

export interface DatagramCipher {
  readonly block: BlockName;
  /** Bytes in front of the plaintext payload: 20 (nonce+CRC), 12 (GCM nonce) or 0 (null). */
  readonly headerSize: number;
  /** Bytes after the payload: 16 (GCM tag) or 0. */
  readonly trailerSize: number;
  /**
   * Seal in place. `buf[0, headerSize)` is reserved for the envelope, the payload is
   * `buf[headerSize, headerSize + payloadLength)`, and `buf` has room for the trailer.
   * Returns the datagram length (headerSize + payloadLength + trailerSize).
   */
  seal(buf: Uint8Array, payloadLength: number): number;
  /**
   * Optional: seal `count` datagrams laid out like seal()'s `buf`, datagram i at
   * `arena[i * stride]` with payload length `payloadLengths[i]` (its datagram length is
   * headerSize + payloadLengths[i] + trailerSize). The bytes are those of `count` seal()
   * calls; a cipher that can work on several datagrams at once (interleaved AES rounds)
   * offers it, and a session then seals each flush's datagrams together.
   */
  sealBatch?(arena: Uint8Array, stride: number, payloadLengths: Uint32Array, count: number): void;
  /**
   * Open in place. Returns the plaintext payload as a view into `datagram`
   * (after the envelope), or the reason to drop it. Never throws.
   */
  open(datagram: Uint8Array): Uint8Array | DropReason;
}
