/** QuicSession / QuicListener options from a resolved config (transport.quic). */
import { deriveQuicIdentity, type QuicAuthOptions, type QuicIdentity, type QuicSettings } from '@paqet/quic';
import type { ResolvedConfig, ResolvedQuic } from '../config/index.js';

export function quicConfig(config: ResolvedConfig): ResolvedQuic {
  const q = config.transport.quic;
  if (!q) throw new Error(`transport.protocol is ${config.transport.protocol}: there are no QUIC settings`);
  return q;
}

export function quicSettings(config: ResolvedConfig): QuicSettings {
  const q = quicConfig(config);
  return {
    mtu: q.mtu,
    maxIdleTimeoutMs: q.maxIdleTimeoutMs,
    keepAlivePeriodMs: q.keepAlivePeriodMs,
    maxIncomingStreams: q.maxIncomingStreams,
    maxIncomingUniStreams: q.maxIncomingUniStreams,
    initialStreamReceiveWindow: q.initialStreamReceiveWindow,
    maxStreamReceiveWindow: q.maxStreamReceiveWindow,
    initialConnectionReceiveWindow: q.initialConnectionReceiveWindow,
    maxConnectionReceiveWindow: q.maxConnectionReceiveWindow,
    enableDatagrams: q.enableDatagrams,
    congestion: q.congestion,
  };
}

/** One identity per derived key: building it (an Ed25519 signature) once, not per reconnect. */
const identities = new WeakMap<Uint8Array, QuicIdentity>();

export function quicAuth(config: ResolvedConfig): QuicAuthOptions {
  const q = quicConfig(config);
  const key = q.derivedKey;
  if (!key) return { insecure: true };
  let identity = identities.get(key);
  if (!identity) identities.set(key, (identity = deriveQuicIdentity(key)));
  return { identity, insecure: q.insecureSkipVerify };
}
