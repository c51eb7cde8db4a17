/**
 * paqet's KCP mode presets (docs/protocol/kcp.md, section 4, docs/configuration.md).
 */
import type { Kcp } from './kcp.js';

export type KcpMode = 'normal' | 'fast' | 'fast2' | 'fast3' | 'manual';
export const KCP_MODES: readonly KcpMode[] = ['normal', 'fast', 'fast2', 'fast3', 'manual'];

export interface KcpTuning {
  nodelay: number;
  interval: number;
  resend: number;
  nocongestion: number;
  /** Leave written data for the next periodic flush instead of flushing at once. */
  writeDelay: boolean;
  /** Flush pending ACKs right after every input. */
  ackNoDelay: boolean;
}

const PRESETS: Record<Exclude<KcpMode, 'manual'>, KcpTuning> = {
  normal: { nodelay: 0, interval: 40, resend: 2, nocongestion: 1, writeDelay: true, ackNoDelay: false },
  fast: { nodelay: 0, interval: 30, resend: 2, nocongestion: 1, writeDelay: true, ackNoDelay: false },
  fast2: { nodelay: 1, interval: 20, resend: 2, nocongestion: 1, writeDelay: false, ackNoDelay: true },
  fast3: { nodelay: 1, interval: 10, resend: 2, nocongestion: 1, writeDelay: false, ackNoDelay: true },
};

/**
 * The tuning for a mode. `manual` takes its values from `manual` (fields left
 * out are 0 / false, as in paqet; the interval is clamped to 10..5000 by KCP).
 */
export function kcpTuning(mode: KcpMode, manual: Partial<KcpTuning> = {}): KcpTuning {
  if (mode === 'manual') {
    return {
      nodelay: manual.nodelay ?? 0,
      interval: manual.interval ?? 0,
      resend: manual.resend ?? 0,
      nocongestion: manual.nocongestion ?? 0,
      writeDelay: manual.writeDelay ?? false,
      ackNoDelay: manual.ackNoDelay ?? false,
    };
  }
  const p = PRESETS[mode];
  if (!p) throw new RangeError(`unknown KCP mode ${String(mode)}`);
  return { ...p };
}

/** Apply nodelay/interval/resend/nc to a KCP instance. */
export function applyKcpTuning(kcp: Kcp, t: KcpTuning): void {
  kcp.setNoDelay(t.nodelay, t.interval, t.resend, t.nocongestion);
}
