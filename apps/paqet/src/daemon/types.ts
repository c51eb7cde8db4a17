import type { Logger } from '../log/logger.js';

export interface DaemonDeps {
  readonly logger: Logger;
  /** Aborted on SIGINT/SIGTERM; the daemon resolves once everything is closed. */
  readonly signal: AbortSignal;
}
