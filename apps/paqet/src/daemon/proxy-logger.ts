/** @paqet/proxy escapes every line it logs; the paqet logger takes those lines as they are. */
import type { Logger as ProxyLogger } from '@paqet/proxy';
import { EscapedText } from '../log/format.js';
import type { Logger } from '../log/logger.js';

export function proxyLogger(logger: Logger): ProxyLogger {
  return {
    debug: (m) => logger.debug('%s', new EscapedText(m)),
    info: (m) => logger.info('%s', new EscapedText(m)),
    warn: (m) => logger.warn('%s', new EscapedText(m)),
    error: (m) => logger.error('%s', new EscapedText(m)),
  };
}
