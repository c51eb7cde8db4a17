/**
 * The paqet runtime logger (cli.md section 7): levels none < debug < info <
 * warn < error < fatal, stdout lines `YYYY-MM-DD HH:MM:SS.mmm [LEVEL] msg`, a
 * bounded queue that drops instead of blocking, and suppression of routine
 * connection-teardown errors unless the level is debug.
 */
import type { LogLevelName } from '../config/index.js';
import { formatMessage, paqetTimestamp } from './format.js';

const SEVERITY = { debug: 0, info: 1, warn: 2, error: 3, fatal: 4 } as const;
type Severity = keyof typeof SEVERITY;
const QUEUE_LIMIT = 1024;

export interface LogSink {
  write(line: string): void;
}

const NOISE_CODES = new Set(['EPIPE', 'ECONNRESET', 'ETIMEDOUT', 'ERR_STREAM_DESTROYED', 'ERR_SOCKET_CLOSED', 'ERR_STREAM_PREMATURE_CLOSE']);

/** End of file, closed connection/pipe, reset or timeout, also when wrapped (error.cause). */
export function isNoiseError(value: unknown): boolean {
  for (let e: unknown = value, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (NOISE_CODES.has(code) || code.includes('TIMEOUT') || code.includes('CLOSED'))) return true;
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return true;
    if (/^(EOF|unexpected EOF)$|use of closed|closed pipe|broken pipe|connection reset|timeout|timed out/i.test(e.message)) return true;
  }
  return false;
}

/** `text`: the Go program's lines (default). `json`: one object per line for journald/Loki. */
export type LogFormat = 'text' | 'json';

export class Logger {
  private threshold: number;
  private format: LogFormat = 'text';
  private queue: string[] = [];
  private flushScheduled = false;
  dropped = 0;

  constructor(
    level: LogLevelName = 'info',
    private readonly sink: LogSink = process.stdout,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.threshold = Logger.thresholdOf(level);
  }

  private static thresholdOf(level: LogLevelName): number {
    return level === 'none' ? Number.POSITIVE_INFINITY : SEVERITY[level];
  }

  setLevel(level: LogLevelName): void {
    this.threshold = Logger.thresholdOf(level);
  }

  setFormat(format: LogFormat): void {
    this.format = format;
  }

  enabled(severity: Severity): boolean {
    return SEVERITY[severity] >= this.threshold;
  }

  debug(fmt: string, ...args: unknown[]): void { this.log('debug', fmt, args); }
  info(fmt: string, ...args: unknown[]): void { this.log('info', fmt, args); }
  warn(fmt: string, ...args: unknown[]): void { this.log('warn', fmt, args); }
  error(fmt: string, ...args: unknown[]): void { this.log('error', fmt, args); }

  private log(severity: Severity, fmt: string, args: unknown[]): void {
    if (!this.enabled(severity)) return;
    if (this.threshold > SEVERITY.debug && args.some(isNoiseError)) return;
    if (this.queue.length >= QUEUE_LIMIT) {
      this.dropped++;
      return;
    }
    const message = formatMessage(fmt, args);
    const line =
      this.format === 'json'
        ? `${JSON.stringify({ time: this.now().toISOString(), level: severity, msg: message })}\n`
        : `${paqetTimestamp(this.now())} [${severity.toUpperCase()}] ${message}\n`;
    this.queue.push(line);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  /** Writes everything queued (also called before exit so nothing is lost). */
  flush(): void {
    this.flushScheduled = false;
    if (this.queue.length === 0) return;
    const text = this.queue.join('');
    this.queue = [];
    this.sink.write(text);
  }
}
