/**
 * Wrong key or cipher, said while it happens: every period, if datagrams failed the
 * integrity check (CRC or AEAD tag) since the last look, one warning names how many, the
 * latest source and the likely cause. Reads counters only; the data path pays nothing.
 */
import type { Endpoint } from '@paqet/wire';
import { endpointKey } from '@paqet/wire';
import type { Logger } from '../log/logger.js';

export interface IntegrityCounters {
  /** Datagrams that failed the integrity check so far. */
  readonly failures: number;
  /** Where the latest of them came from (null when unknown). */
  readonly lastSource: Endpoint | null;
}

export class IntegrityWatch {
  private seen = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly logger: Logger,
    private readonly read: () => IntegrityCounters,
    private readonly cipherName: string,
    periodMs = 10_000,
  ) {
    this.seen = read().failures;
    this.timer = setInterval(() => this.check(periodMs), periodMs).unref();
  }

  check(periodMs: number): void {
    const now = this.read();
    const fresh = now.failures - this.seen;
    this.seen = now.failures;
    if (fresh <= 0) return;
    const from = now.lastSource ? endpointKey(now.lastSource) : 'an unknown peer';
    this.logger.warn(
      '%d datagrams failed the integrity check in the last %ds, latest from %s: that peer most likely uses a different transport.kcp.key or block (ours: %s), or is not paqet',
      fresh, Math.round(periodMs / 1000), from, this.cipherName,
    );
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
