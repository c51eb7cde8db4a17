import type { Logger } from '../logger.js';
import type { ProxyStats } from '../stats.js';

/** Shared options of the server-side relays. */
export interface RelayOptions {
  logger?: Logger;
  stats?: ProxyStats;
  /** Prefix for log lines, e.g. `stream 9 from 198.51.100.7:40000`. */
  label?: string;
  /** Aborts the dial and ends the relay (shutdown). */
  signal?: AbortSignal;
  /** TCP only: see PipeOptions.halfClose (default false, the reference behaviour). */
  halfClose?: boolean;
  /** TCP only: 0 (default) = no idle timeout, as the reference server. */
  idleTimeoutMs?: number;
  lingerMs?: number;
}

export interface RelayOutcome {
  /** False when the target could not be dialed. */
  connected: boolean;
  error?: Error;
}
