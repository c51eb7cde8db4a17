/** FEC framing readers (docs/protocol/fec.md, section 1). Offsets are relative to the FEC header. */
import { readU32LE } from '../bytes.js';
import { KCP_MTU_LIMIT } from '../core/constants.js';
import { FEC_HEADER_SIZE, FEC_TYPE_DATA, FEC_TYPE_OOB, FEC_TYPE_PARITY, fecType } from './contract.js';

/** Offset of a shard's RS-coded region ([size ‖ KCP] for data, parity bytes for parity). */
export const FEC_SHARD_OFFSET = 6;
/** kcp-go's maxFECEncodeLatency: parity is sent only if the group's last two data shards were < 500 ms apart. */
export const FEC_MAX_ENCODE_LATENCY_MS = 500;
/** kcp-go's receive buffer (mtuLimit); no datagram is longer. */
export const MTU_LIMIT = KCP_MTU_LIMIT;
/** A 4-byte marker at offset 4 that no KCP segment can carry (cmd is 81..84). */
export type PlaintextKind = 'fec-data' | 'fec-parity' | 'oob' | 'kcp';

/** What the plaintext left after the crypto envelope holds (docs/protocol/kcp.md, section 6 step 4). */
export function classifyPlaintext(plaintext: Uint8Array): PlaintextKind {
  const type = fecType(plaintext);
  if (type === FEC_TYPE_DATA) return 'fec-data';
  if (type === FEC_TYPE_PARITY) return 'fec-parity';
  if (type === FEC_TYPE_OOB) return 'oob';
  return 'kcp';
}

export function fecSeqid(plaintext: Uint8Array): number {
  return readU32LE(plaintext, 0);
}

/** The KCP bytes of a data shard, as kcp-go feeds them: everything after the 8-byte header. */
export function fecDataPayload(plaintext: Uint8Array): Uint8Array {
  return plaintext.subarray(FEC_HEADER_SIZE);
}

/** paws: seqids wrap modulo the largest multiple of n not above 0xFFFFFFFF (docs/protocol/fec.md, section 2). */
export function fecPaws(totalShards: number): number {
  return Math.floor(0xffffffff / totalShards) * totalShards;
}
