/**
 * Binds the session's FEC hook to the package's Reed-Solomon codec (src/fec).
 */
import { kcpFecCodec } from '../fec/codec.js';
import type { FecCodecFactory } from './fec-hook.js';

let codec: FecCodecFactory | undefined;

export function defaultFecCodec(): FecCodecFactory {
  return (codec ??= kcpFecCodec());
}
