/** @paqet/proxy logs plain messages; the paqet logger formats printf-style and escapes. */
import type { Logger as ProxyLogger } from '@paqet/proxy';
import type { Logger } from '../log/logger.js';

export function proxyLogger(logger: Logger): ProxyLogger {
  return {
    debug: (m) => logger.debug('%s', m),
    info: (m) => logger.info('%s', m),
    warn: (m) => logger.warn('%s', m),
    error: (m) => logger.error('%s', m),
  };
}
