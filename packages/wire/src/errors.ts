/**
 * Typed errors with stable codes. `action` tells the caller what the wire does
 * next, so a protocol error never needs to be interpreted from its message.
 */
export type ErrorAction = 'drop-packet' | 'close-stream' | 'close-session' | 'fatal';

export class PaqetError extends Error {
  readonly code: string;
  readonly action: ErrorAction;
  constructor(code: string, message: string, action: ErrorAction = 'fatal', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PaqetError';
    this.code = code;
    this.action = action;
  }
}

/** A value failed validation: `field` and `value` name what was wrong. */
export class PaqetValueError extends PaqetError {
  readonly field: string;
  readonly value: unknown;
  /** What was wrong, without the field and value (for callers that word their own message). */
  readonly reason: string;
  constructor(code: string, field: string, value: unknown, reason: string, action: ErrorAction = 'fatal') {
    super(code, `${field}: ${reason} (got ${formatValue(value)})`, action);
    this.name = 'PaqetValueError';
    this.field = field;
    this.value = value;
    this.reason = reason;
  }
}

/**
 * The peer ended the stream: reads are over and writes can no longer be delivered. A named
 * end-of-stream (code `PAQET_ERR_EOF`) so relays treat it as an ordinary end, not a failure.
 */
export class EndOfStreamError extends PaqetError {
  constructor(message = 'the peer closed the stream (EOF)') {
    super('PAQET_ERR_EOF', message, 'close-stream');
    this.name = 'EndOfStreamError';
  }
}

/** True for the named end-of-stream (`PAQET_ERR_EOF`), whichever package raised it. */
export function isEndOfStream(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'PAQET_ERR_EOF';
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  return String(v);
}
