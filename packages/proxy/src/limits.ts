/** Resource limits of a listener. Every field has a default; tests shorten the timers. */
export interface ProxyLimits {
  /** Concurrent TCP connections per listener; further connections are closed at accept. */
  maxConnections: number;
  /** Whole SOCKS5 handshake (greeting, auth, request), as the reference's 8 s deadline. */
  handshakeTimeoutMs: number;
  /** Close a relayed TCP connection after this long without a byte either way; 0 = never (reference). */
  idleTimeoutMs: number;
  /** Close a UDP flow (SOCKS destination / forward session) after this long unused (reference 60 s). */
  udpIdleTimeoutMs: number;
  /** Datagrams held per UDP flow while its channel is being opened (reference 64, tail drop). */
  udpQueueLength: number;
  /** Time a closing connection gets to flush before it is destroyed. */
  lingerMs: number;
  /** Pass EOF on as a half-close instead of closing both sides (the reference closes both). */
  halfClose: boolean;
}

export const DEFAULT_LIMITS: Readonly<ProxyLimits> = Object.freeze({
  maxConnections: 4096,
  handshakeTimeoutMs: 8000,
  idleTimeoutMs: 0,
  udpIdleTimeoutMs: 60_000,
  udpQueueLength: 64,
  lingerMs: 5000,
  halfClose: false,
});

export function resolveLimits(overrides: Partial<ProxyLimits> | undefined): ProxyLimits {
  const limits = { ...DEFAULT_LIMITS, ...overrides };
  for (const key of ['maxConnections', 'handshakeTimeoutMs', 'idleTimeoutMs', 'udpIdleTimeoutMs', 'udpQueueLength', 'lingerMs'] as const) {
    const value = limits[key];
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`limits.${key}: must be a non-negative number (got ${value})`);
  }
  return limits;
}
