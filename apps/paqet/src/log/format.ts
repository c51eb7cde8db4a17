/** Line formats of the reference program's two log channels (cli.md sections 1 and 7). */
import { format } from 'node:util';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Go standard logger prefix: `YYYY/MM/DD HH:MM:SS` (local time). */
export function stdTimestamp(d: Date): string {
  return `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** paqet logger prefix: `YYYY-MM-DD HH:MM:SS.mmm` (local time). */
export function paqetTimestamp(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/**
 * Control characters (U+0000-U+001F, U+007F-U+009F) and lone surrogates (the
 * JS analogue of invalid UTF-8) become `\xNN`, so a message is one line.
 */
export function escapeMessage(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (c) =>
    `\\x${(c.charCodeAt(0) & 0xff).toString(16).padStart(2, '0')}`,
  );
}

/** printf-style like Go's `%s`/`%d`/`%v`; errors print as their message. */
export function formatMessage(fmt: string, args: readonly unknown[]): string {
  const plain = args.map((a) => (a instanceof Error ? a.message : a));
  return format(fmt.replace(/%v/g, '%s'), ...plain);
}
