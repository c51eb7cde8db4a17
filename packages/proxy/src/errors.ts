import { PaqetError } from '@paqet/wire';
import { formatHostPort } from './address.js';

/** Why a dial failed. The SOCKS5 server turns each into its RFC 1928 reply code. */
export type DialFailureReason =
  | 'refused'
  | 'host-unreachable'
  | 'network-unreachable'
  | 'not-allowed'
  | 'timeout'
  | 'general';

const CODE_BY_REASON: Record<DialFailureReason, string> = {
  refused: 'PAQET_ERR_DIAL_REFUSED',
  'host-unreachable': 'PAQET_ERR_DIAL_HOST_UNREACHABLE',
  'network-unreachable': 'PAQET_ERR_DIAL_NETWORK_UNREACHABLE',
  'not-allowed': 'PAQET_ERR_DIAL_NOT_ALLOWED',
  timeout: 'PAQET_ERR_DIAL_TIMEOUT',
  general: 'PAQET_ERR_DIAL_FAILED',
};

/** A dialer could not open a stream or datagram channel to `target`. */
export class DialError extends PaqetError {
  readonly reason: DialFailureReason;
  readonly target: string;
  constructor(reason: DialFailureReason, target: string, message: string, options?: { cause?: unknown }) {
    super(CODE_BY_REASON[reason], `dial ${target}: ${message}`, 'close-stream', options);
    this.name = 'DialError';
    this.reason = reason;
    this.target = target;
  }
}

/** Maps a Node system error code (errno name) to a dial failure reason. */
export function reasonFromErrno(code: string | undefined): DialFailureReason {
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'EHOSTUNREACH':
    case 'EHOSTDOWN':
    case 'ENOTFOUND':
    case 'EAI_NONAME':
    case 'EAI_NODATA':
    case 'EAI_AGAIN':
    case 'EADDRNOTAVAIL':
      return 'host-unreachable';
    case 'ENETUNREACH':
    case 'ENETDOWN':
      return 'network-unreachable';
    case 'EACCES':
    case 'EPERM':
      return 'not-allowed';
    case 'ETIMEDOUT':
      return 'timeout';
    default:
      return 'general';
  }
}

/** Wraps any error thrown by a dial as a DialError (kept as is if it already is one). */
export function toDialError(error: unknown, target: string): DialError {
  if (error instanceof DialError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return new DialError(reasonFromErrno(typeof code === 'string' ? code : undefined), target, message, { cause: error });
}

/** The target policy refused every address of a target (see TargetPolicy). */
export class TargetDeniedError extends DialError {
  /** The address that was checked (the first refused one when a name resolved to several). */
  readonly address: string;
  /** `host` as requested (a name or an IP literal). */
  constructor(host: string, port: number, address: string, reason: string) {
    super('not-allowed', formatHostPort(host, port), address === host ? reason : `${address} ${reason}`);
    this.name = 'TargetDeniedError';
    this.address = address;
  }
}
