/** Line formats of the reference program's two log channels (cli.md sections 1 and 7). */
import { format } from 'node:util';
import { escapeLogText } from '@paqet/proxy';

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
 * Text that is already safe for a log line (escaped by @paqet/proxy's logger, which
 * escapes every line it emits): formatMessage passes it through unchanged.
 */
export class EscapedText {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/**
 * printf-style like Go's `%s`/`%d`/`%v`; errors print as their message. The format is
 * our own text; every string and error argument may come from the network, so each is
 * escaped (escapeLogText: control characters, backslash, bidi controls) and a message
 * stays one line.
 */
export function formatMessage(fmt: string, args: readonly unknown[]): string {
  const safe = args.map((a) =>
    a instanceof EscapedText ? a.text : a instanceof Error ? escapeLogText(a.message) : typeof a === 'string' ? escapeLogText(a) : a,
  );
  return format(fmt.replace(/%v/g, '%s'), ...safe);
}
