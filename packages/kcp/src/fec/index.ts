export * from './contract.js';
export {
  FEC_MAX_ENCODE_LATENCY_MS, FEC_SHARD_OFFSET, classifyPlaintext, fecDataPayload, fecPaws, fecSeqid, type PlaintextKind,
} from './header.js';
export { FecEncoder, type FecEncoderOptions } from './encoder.js';
export { FecDecoder, type FecDecoderOptions, type FecDecoderStats } from './decoder.js';
export { FecAutoTune } from './autotune.js';
export { ReedSolomon } from './reed-solomon.js';
export { GF_POLYNOMIAL, gfMul, gfInv, gfPow } from './galois.js';
export { kcpFecCodec } from './codec.js';
