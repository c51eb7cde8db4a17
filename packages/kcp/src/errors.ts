/**
 * Typed errors of @paqet/kcp, in the style of the other paqet packages: a stable
 * `PAQET_ERR_*` code to switch on and the action the wire takes next.
 */
import { PaqetError, type ErrorAction } from '@paqet/wire';

export const KcpErrorCode = {
  /** Written to, or used, after the KCP session was closed. */
  SessionClosed: 'PAQET_ERR_KCP_CLOSED',
  /** A block needs a key and none was given, or the key has the wrong size. */
  Key: 'PAQET_ERR_KCP_KEY',
  /** `block` names no cipher in the registry. */
  Block: 'PAQET_ERR_KCP_BLOCK',
  /** Session or server options are inconsistent (mtu too small, no remote...). */
  Options: 'PAQET_ERR_KCP_OPTIONS',
  /** smux options are out of range. */
  SmuxConfig: 'PAQET_ERR_SMUX_CONFIG',
  /** The smux session was closed locally (the close reason's code). */
  SmuxClosed: 'PAQET_ERR_SMUX_CLOSED',
  /** No frame arrived for a whole keepalive timeout. */
  SmuxKeepaliveTimeout: 'PAQET_ERR_SMUX_KEEPALIVE_TIMEOUT',
  /** The byte stream under smux closed. */
  SmuxTransportClosed: 'PAQET_ERR_SMUX_TRANSPORT_CLOSED',
  /** The peer sent a frame smux cannot parse; reading stopped. */
  SmuxProtocol: 'PAQET_ERR_SMUX_PROTOCOL',
  /** Every stream id of this session was used. */
  SmuxGoAway: 'PAQET_ERR_SMUX_GOAWAY',
  /** A stream was used after it (or its session) closed. */
  StreamClosed: 'PAQET_ERR_SMUX_STREAM_CLOSED',
} as const;

export type KcpErrorCode = (typeof KcpErrorCode)[keyof typeof KcpErrorCode];

export class KcpError extends PaqetError {
  declare readonly code: KcpErrorCode;
  constructor(code: KcpErrorCode, message: string, action: ErrorAction = 'fatal', options?: { cause?: unknown }) {
    super(code, message, action, options);
    this.name = 'KcpError';
  }
}

/** Why an smux session ended: the 'close' event's argument. */
export class SmuxCloseError extends KcpError {
  constructor(code: KcpErrorCode, message: string) {
    super(code, message, 'close-session');
    this.name = 'SmuxCloseError';
  }
}
