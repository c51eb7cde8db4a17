/**
 * What the session needs from FEC (fec.md), so the session layer does not
 * depend on one encoder/decoder implementation.
 */

/** FEC header size: seqid u32, type u16, size u16. */
export const FEC_HEADER_SIZE = 8;
export const FEC_TYPE_DATA = 0xf1;
export const FEC_TYPE_PARITY = 0xf2;
export const FEC_TYPE_OOB = 0xf3;

export interface FecSender {
  /**
   * Turn `buf` into a data shard: write the FEC header at `headerOffset`
   * (the KCP bytes follow at headerOffset + 8 and end at `end`). Any parity
   * shards now due are handed to `emitParity` with the same layout (crypto
   * header room at the front, `trailer` bytes of room at the back) and the
   * plaintext length counted from headerOffset. They are emitted after this
   * returns, by the caller, in order.
   */
  encode(buf: Uint8Array, headerOffset: number, end: number, emitParity: (shard: Uint8Array, plainLength: number) => void): void;
}

export interface FecReceiver {
  /**
   * Take one FEC packet (plaintext starting at its FEC header). Data shards'
   * own KCP bytes were already fed to KCP by the caller; recovered data
   * shards' KCP bytes go to `onRecovered`.
   */
  decode(packet: Uint8Array, onRecovered: (kcpBytes: Uint8Array) => void): void;
}

export interface FecCodecFactory {
  sender(dataShards: number, parityShards: number, headerOffset: number, trailer: number): FecSender;
  receiver(dataShards: number, parityShards: number): FecReceiver;
}
