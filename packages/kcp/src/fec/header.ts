/** FEC framing constants and readers (fec.md §2). Offsets are relative to the FEC header. */

export const FEC_HEADER_SIZE = 8; // seqid u32 LE, type u16 LE, size u16 LE (data) / parity bytes start
export const FEC_TYPE_DATA = 0xf1;
export const FEC_TYPE_PARITY = 0xf2;
export const FEC_TYPE_OOB = 0xf3;
/** Offset of a shard's RS-coded region ([size ‖ KCP] for data, parity bytes for parity). */
export const FEC_SHARD_OFFSET = 6;
/** kcp-go's maxFECEncodeLatency: parity is sent only if the group's last two data shards were < 500 ms apart. */
export const FEC_MAX_ENCODE_LATENCY_MS = 500;
/** kcp-go's receive buffer (mtuLimit); no datagram is longer. */
export const MTU_LIMIT = 1500;
/** A 4-byte marker at offset 4 that no KCP segment can carry (cmd is 81..84). */
export type PlaintextKind = 'fec-data' | 'fec-parity' | 'oob' | 'kcp';

/** What the plaintext left after the crypto envelope holds (kcp.md §10.4 step 4). */
export function classifyPlaintext(plaintext: Uint8Array): PlaintextKind {
  if (plaintext.length < 6) return 'kcp';
  const type = plaintext[4]! | (plaintext[5]! << 8);
  if (type === FEC_TYPE_DATA) return 'fec-data';
  if (type === FEC_TYPE_PARITY) return 'fec-parity';
  if (type === FEC_TYPE_OOB) return 'oob';
  return 'kcp';
}

export function fecSeqid(plaintext: Uint8Array): number {
  return (plaintext[0]! | (plaintext[1]! << 8) | (plaintext[2]! << 16) | (plaintext[3]! << 24)) >>> 0;
}

/** The KCP bytes of a data shard, as kcp-go feeds them: everything after the 8-byte header. */
export function fecDataPayload(plaintext: Uint8Array): Uint8Array {
  return plaintext.subarray(FEC_HEADER_SIZE);
}

/** paws: seqids wrap modulo the largest multiple of n not above 0xFFFFFFFF (fec.md §3). */
export function fecPaws(totalShards: number): number {
  return Math.floor(0xffffffff / totalShards) * totalShards;
}
