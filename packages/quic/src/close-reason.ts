/**
 * Why a QUIC connection ended, in words an operator can act on: TLS alerts
 * that mean "no shared secret" are told apart from timeouts and plain closes.
 */
import {
  CRYPTO_ERROR_BASE, TLS_ALERT_CERTIFICATE_REQUIRED, TLS_ALERT_HANDSHAKE_FAILURE, TLS_ALERT_NO_APPLICATION_PROTOCOL, TLS_ALERT_UNKNOWN_CA,
  type ConnectionError, type NativeConnection,
} from './native.js';

export interface QuicCloseInfo {
  readonly reason: string;
  /** True when the peer sent the CONNECTION_CLOSE. */
  readonly byPeer: boolean;
  /** QUIC transport or application error code (0 = no error). */
  readonly code: number;
  /**
   * Authentication failed: `'local'` = we rejected the peer (it lacks the
   * secret), `'peer'` = the peer rejected us (we lack its secret).
   */
  readonly auth: 'local' | 'peer' | null;
}

const decoder = new TextDecoder();

function describe(e: ConnectionError, byPeer: boolean): QuicCloseInfo {
  const text = decoder.decode(e.reason);
  if (e.isApp) return { reason: text || (byPeer ? 'closed by peer' : 'closed'), byPeer, code: e.errorCode, auth: null };
  const alert = e.errorCode - CRYPTO_ERROR_BASE;
  let auth: QuicCloseInfo['auth'] = null;
  let reason: string;
  if (alert === TLS_ALERT_UNKNOWN_CA || alert === TLS_ALERT_CERTIFICATE_REQUIRED) {
    auth = byPeer ? 'peer' : 'local';
    reason = byPeer
      ? 'the peer rejected our certificate: it does not hold our secret, or we do not hold its'
      : alert === TLS_ALERT_UNKNOWN_CA
        ? 'the peer presented a certificate not derived from our secret'
        : 'the peer presented no certificate (an insecure client?)';
  } else if (alert === TLS_ALERT_HANDSHAKE_FAILURE) {
    // With a secret only Ed25519 signatures are offered; a certificate of another
    // kind (the fork's RSA one) cannot be used, so the handshake stops here.
    auth = byPeer ? 'peer' : 'local';
    reason = 'no common signature algorithm: one side holds no key derived from the secret (a fork peer needs insecure_skip_verify)';
  } else if (alert === TLS_ALERT_NO_APPLICATION_PROTOCOL) {
    reason = 'no common ALPN (the peer is not paqet-quic)';
  } else if (alert >= 0 && alert < 256) {
    reason = `TLS alert ${alert}`;
  } else {
    reason = `QUIC transport error 0x${e.errorCode.toString(16)}${text ? `: ${text}` : ''}`;
  }
  return { reason: `${reason}${byPeer ? ' (peer)' : ''}`, byPeer, code: e.errorCode, auth };
}

/** Read the reason off a closed (or draining) quiche connection. */
export function closeReasonOf(conn: NativeConnection, fallback: string | null): QuicCloseInfo {
  const peer = conn.peerError();
  if (peer) return describe(peer, true);
  const local = conn.localError();
  if (local) return describe(local, false);
  if (conn.isTimedOut()) return { reason: 'idle timeout', byPeer: false, code: 0, auth: null };
  return { reason: fallback ?? 'closed', byPeer: false, code: 0, auth: null };
}
