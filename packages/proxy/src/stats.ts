import type { DialFailureReason } from './errors.js';

/** Why a connection, flow or datagram failed; dial reasons plus the proxy's own. */
export type ErrorKind = DialFailureReason | 'handshake' | 'auth' | 'protocol' | 'relay';

/**
 * Live counters. Plain mutable fields so the hot path increments without allocation;
 * `snapshot()` gives a copy for reporting.
 */
export class ProxyStats {
  /** TCP connections currently open on listeners (SOCKS control connections included) or relays. */
  activeConnections = 0;
  totalConnections = 0;
  /** Connections closed at once because `maxConnections` was reached. */
  rejectedConnections = 0;
  /** UDP flows (SOCKS association destinations, forward sessions, server relays) currently open. */
  activeUdpFlows = 0;
  /** Bytes from the local/client side towards the target. */
  bytesUp = 0;
  /** Bytes from the target back to the client. */
  bytesDown = 0;
  datagramsUp = 0;
  datagramsDown = 0;
  /** Datagrams dropped by a size, header, source or queue rule. */
  datagramsDropped = 0;
  readonly errors: Record<ErrorKind, number> = {
    refused: 0,
    'host-unreachable': 0,
    'network-unreachable': 0,
    'not-allowed': 0,
    timeout: 0,
    general: 0,
    handshake: 0,
    auth: 0,
    protocol: 0,
    relay: 0,
  };

  snapshot(): ProxyStatsSnapshot {
    return {
      activeConnections: this.activeConnections,
      totalConnections: this.totalConnections,
      rejectedConnections: this.rejectedConnections,
      activeUdpFlows: this.activeUdpFlows,
      bytesUp: this.bytesUp,
      bytesDown: this.bytesDown,
      datagramsUp: this.datagramsUp,
      datagramsDown: this.datagramsDown,
      datagramsDropped: this.datagramsDropped,
      errors: { ...this.errors },
    };
  }
}

export interface ProxyStatsSnapshot {
  activeConnections: number;
  totalConnections: number;
  rejectedConnections: number;
  activeUdpFlows: number;
  bytesUp: number;
  bytesDown: number;
  datagramsUp: number;
  datagramsDown: number;
  datagramsDropped: number;
  errors: Record<ErrorKind, number>;
}
