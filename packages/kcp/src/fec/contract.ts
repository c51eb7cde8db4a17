/**
 * The FEC contract between the session layer and an FEC implementation (docs/protocol/fec.md):
 * the 8-byte FEC header's type markers and what the session asks of a codec. The session
 * depends on this file only, never on one encoder or decoder.
 */

/** FEC header size: seqid u32 LE, type u16 LE, size u16 LE (data shards). */
export const FEC_HEADER_SIZE = 8;
export const FEC_TYPE_DATA = 0xf1;
export const FEC_TYPE_PARITY = 0xf2;
export const FEC_TYPE_OOB = 0xf3;
/** Offset of the type marker inside the FEC header (where a KCP segment has cmd/frg). */
export const FEC_TYPE_OFFSET = 4;

export interface FecSender {
  /**
   * Turn `buf` into a data shard: write the FEC header at `headerOffset` (the KCP bytes follow
   * at headerOffset + 8 and end at `end`). Parity shards now due go to `emitParity` with the
   * same layout (crypto header room at the front, trailer room at the back) and their
   * plaintext length counted from headerOffset; the caller sends them after this returns.
   */
  encode(buf: Uint8Array, headerOffset: number, end: number, emitParity: (shard: Uint8Array, plainLength: number) => void): void;
}

export interface FecReceiver {
  /**
   * Take one FEC packet (plaintext starting at its FEC header). Data shards' own KCP bytes
   * were already given to KCP by the caller; rebuilt data shards' KCP bytes go to `onRecovered`.
   */
  decode(packet: Uint8Array, onRecovered: (kcpBytes: Uint8Array) => void): void;
}

export interface FecCodec {
  sender(dataShards: number, parityShards: number, headerOffset: number, trailer: number): FecSender;
  receiver(dataShards: number, parityShards: number): FecReceiver;
}

/** The type marker of a datagram's plaintext (0 when too short to carry one). */
export function fecType(plaintext: Uint8Array): number {
  return plaintext.length < FEC_TYPE_OFFSET + 2 ? 0 : plaintext[FEC_TYPE_OFFSET]! | (plaintext[FEC_TYPE_OFFSET + 1]! << 8);
}
