/**
 * Telling a QUIC v1 Initial apart from other datagrams by its first bytes, for a
 * socket that carries QUIC next to something else (docs/quic.md, "KCP and QUIC on
 * one port"): long header with the Initial type (RFC 9000 17.2.2: first byte
 * 0b1100xxxx), version 0x00000001 in bytes 1-4, and a client's minimum size of
 * 1200 bytes (RFC 9000 14.1). A random datagram passes with odds of 2^-36.
 */
import { QUIC_MIN_MTU } from './settings.js';

export function looksLikeQuicInitial(datagram: Uint8Array): boolean {
  return (
    datagram.length >= QUIC_MIN_MTU &&
    (datagram[0]! & 0xf0) === 0xc0 &&
    datagram[1] === 0 &&
    datagram[2] === 0 &&
    datagram[3] === 0 &&
    datagram[4] === 1
  );
}
