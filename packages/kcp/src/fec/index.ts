// FEC_HEADER_SIZE and FEC_TYPE_* are exported by the session hook (src/session/fec-hook.ts)
// with the same values; they are not re-exported here to keep the package index unambiguous.
export {
  FEC_MAX_ENCODE_LATENCY_MS, FEC_SHARD_OFFSET, classifyPlaintext, fecDataPayload, fecPaws, fecSeqid, type PlaintextKind,
} from './header.js';
export { FecEncoder, type FecEncoderOptions } from './encoder.js';
export { FecDecoder, type FecDecoderOptions, type FecDecoderStats } from './decoder.js';
export { FecAutoTune } from './autotune.js';
export { ReedSolomon } from './reed-solomon.js';
export { GF_POLYNOMIAL, gfMul, gfInv, gfPow } from './galois.js';
export { kcpFecCodec, type FecCallbackCodec, type FecCallbackReceiver, type FecCallbackSender } from './codec.js';
