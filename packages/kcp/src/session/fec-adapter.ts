/**
 * Binds the session's FEC hook to the package's Reed-Solomon codec (src/fec).
 */
import { PaqetError } from '@paqet/wire';
import type { FecCodecFactory } from './fec-hook.js';

export function defaultFecCodec(): FecCodecFactory {
  throw new PaqetError('PAQET_ERR_KCP_FEC_UNAVAILABLE', 'FEC codec not available in this build; pass fecCodec', 'fatal');
}
