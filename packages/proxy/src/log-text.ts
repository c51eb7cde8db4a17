/**
 * Making untrusted text (host names, usernames, error texts that quote them: anything
 * that came from the network) safe to put in a log line: one entry stays one line,
 * and nothing in it can move a terminal's cursor, change its colours or reorder
 * what a reader sees.
 */
import { silentLogger, type Logger } from './logger.js';

/**
 * C0 controls, DEL, C1 controls, the backslash (so an escape in the output is never
 * ambiguous), Unicode line/paragraph separators, bidirectional formatting characters
 * and lone surrogates (the string form of invalid UTF-8 after decoding elsewhere).
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u005c\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const ANY_UNSAFE = new RegExp(UNSAFE.source);

function escapeChar(c: string): string {
  if (c === '\\') return '\\\\';
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every unsafe character written as `\xNN` (up to U+00FF) or `\uNNNN`, and
 * `\` as `\\`; other text (including printable non-ASCII) is unchanged. Returns the
 * same string when nothing needs escaping.
 */
export function escapeLogText(text: string): string {
  return ANY_UNSAFE.test(text) ? text.replace(UNSAFE, escapeChar) : text;
}

const ESCAPING = Symbol('escapingLogger');

/**
 * A logger that hands every message to `logger` escaped with escapeLogText. Every log
 * line of this package goes through one, so an application's logger hooks receive
 * only safe text; wrapping an already-escaping logger returns it as is.
 */
export function escapingLogger(logger: Logger): Logger {
  if (logger === silentLogger || (logger as { [ESCAPING]?: true })[ESCAPING]) return logger;
  return {
    [ESCAPING]: true,
    debug: (m: string) => logger.debug(escapeLogText(m)),
    info: (m: string) => logger.info(escapeLogText(m)),
    warn: (m: string) => logger.warn(escapeLogText(m)),
    error: (m: string) => logger.error(escapeLogText(m)),
  } as Logger;
}
