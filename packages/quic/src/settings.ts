/**
 * Session settings: the fork's transport.quic keys (docs/quic.md) in library
 * form, their defaults, and the quiche configuration they become.
 */
import { randomBytes } from 'node:crypto';
import { quiche, type NativeConfig } from './native.js';
import { deriveQuicIdentity, type QuicIdentity } from './tls/identity.js';

/** ALPN both ends offer and require. */
export const QUIC_ALPN = 'paqet-quic';
/** RFC 9000 14.1: a client's Initial datagrams are padded to this; no smaller MTU works. */
export const QUIC_MIN_MTU = 1200;
/** quic-go's initial packet size, which the fork never grows (no PMTU discovery over raw packets). */
export const QUIC_DEFAULT_MTU = 1280;
/** quiche refuses flow-control windows above these (its MAX_STREAM_WINDOW / MAX_CONNECTION_WINDOW). */
export const QUIC_MAX_STREAM_WINDOW = 16 * 1024 * 1024;
export const QUIC_MAX_CONNECTION_WINDOW = 24 * 1024 * 1024;

const MiB = 1024 * 1024;

/** With a secret, the only key in play is the derived Ed25519 one. */
const SIGALGS_DERIVED = 'ed25519';
/**
 * Insecure mode meets certificates of any common kind: the fork's servers
 * present RSA-2048 ones (signed with RSA-PSS in TLS 1.3), ours an Ed25519 one.
 */
const SIGALGS_ANY = [
  'ed25519', 'ecdsa_secp256r1_sha256', 'rsa_pss_rsae_sha256', 'rsa_pkcs1_sha256', 'ecdsa_secp384r1_sha384',
  'rsa_pss_rsae_sha384', 'rsa_pkcs1_sha384', 'rsa_pss_rsae_sha512', 'rsa_pkcs1_sha512',
].join(':');

export interface QuicSettings {
  /** Largest datagram sent (default 1280, at least 1200); capped by the PacketConn's maxDatagramSize. */
  mtu?: number;
  /** Idle timeout advertised to the peer, ms (default 30 000). */
  maxIdleTimeoutMs?: number;
  /** Send an ack-eliciting PING after this much silence, ms (default 10 000; 0 = never). */
  keepAlivePeriodMs?: number;
  /** How many bidirectional streams the peer may open at once (default 5000). */
  maxIncomingStreams?: number;
  /** How many unidirectional streams the peer may open at once (default 5000; paqet opens none). */
  maxIncomingUniStreams?: number;
  /** Per-stream receive window at the start, bytes (default 6 MiB). */
  initialStreamReceiveWindow?: number;
  /** Per-stream receive window it may grow to (default 24 MiB, capped at 16 MiB by quiche). */
  maxStreamReceiveWindow?: number;
  /** Connection receive window at the start (default 15 MiB). */
  initialConnectionReceiveWindow?: number;
  /** Connection receive window it may grow to (default 60 MiB, capped at 24 MiB by quiche). */
  maxConnectionReceiveWindow?: number;
  /** Negotiate RFC 9221 datagrams (default false; unused by paqet). */
  enableDatagrams?: boolean;
  /** quiche's congestion controller: bbr (default), cubic or reno (docs/quic.md, "Congestion control and pacing"). */
  congestion?: QuicCongestion;
  /**
   * Spread datagrams over time at a rate from quiche's estimates instead of
   * sending what the window allows at once (default false: in the lab it
   * measured no better, and its extra passes cost the sender CPU).
   */
  pacing?: boolean;
}

export const QUIC_CONGESTION_CONTROLLERS = ['bbr', 'cubic', 'reno'] as const;
export type QuicCongestion = (typeof QUIC_CONGESTION_CONTROLLERS)[number];

export type ResolvedQuicSettings = Required<QuicSettings>;

/** The fork's client defaults (its server defaults are larger: see docs/quic.md). */
export const QUIC_DEFAULT_SETTINGS: Readonly<ResolvedQuicSettings> = {
  mtu: QUIC_DEFAULT_MTU,
  maxIdleTimeoutMs: 30_000,
  keepAlivePeriodMs: 10_000,
  maxIncomingStreams: 5000,
  maxIncomingUniStreams: 5000,
  initialStreamReceiveWindow: 6 * MiB,
  maxStreamReceiveWindow: 24 * MiB,
  initialConnectionReceiveWindow: 15 * MiB,
  maxConnectionReceiveWindow: 60 * MiB,
  enableDatagrams: false,
  congestion: 'bbr',
  pacing: false,
};

/**
 * Who the peer must be. `secret`: both ends derive one identity from it and
 * accept only a peer that proves it holds the same one. `identity`: the same,
 * already derived (saves the PBKDF2 per session). `insecure`: the fork's
 * behaviour: a throwaway certificate, no client certificate, no verification.
 */
export interface QuicAuthOptions {
  secret?: string | Uint8Array;
  identity?: QuicIdentity;
  insecure?: boolean;
}

export function resolveSettings(s: QuicSettings, maxDatagramSize: number | undefined): ResolvedQuicSettings {
  const r = { ...QUIC_DEFAULT_SETTINGS, ...withoutUndefined(s) };
  if (!QUIC_CONGESTION_CONTROLLERS.includes(r.congestion)) throw new RangeError(`unknown QUIC congestion controller ${JSON.stringify(r.congestion)} (one of ${QUIC_CONGESTION_CONTROLLERS.join(', ')})`);
  r.mtu = Math.min(r.mtu, maxDatagramSize ?? r.mtu);
  if (r.mtu < QUIC_MIN_MTU) throw new RangeError(`QUIC needs datagrams of at least ${QUIC_MIN_MTU} bytes; this path carries ${r.mtu}`);
  return r;
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The identity to present, or null in insecure client mode. Throws when no auth option is given. */
export function resolveIdentity(auth: QuicAuthOptions, role: 'client' | 'server'): QuicIdentity | null {
  if (auth.identity) return auth.identity;
  if (auth.secret !== undefined) return deriveQuicIdentity(auth.secret);
  if (!auth.insecure) throw new TypeError('QUIC needs a secret (or identity), or insecure: true');
  // Insecure: a server still needs some certificate; make a throwaway one, as the fork does.
  return role === 'server' ? deriveQuicIdentity(randomBytes(32)) : null;
}

/** A quiche Config for one role. One per dialer or listener; connections share it. */
export function buildNativeConfig(settings: ResolvedQuicSettings, identity: QuicIdentity | null, insecure: boolean): NativeConfig {
  const pem = (s: string) => new TextEncoder().encode(s);
  const verify = !insecure;
  const config = quiche().Config.withBoringSslCtx(
    verify,
    false,
    verify && identity ? pem(identity.certPem) : null,
    identity ? [pem(identity.keyPem)] : null,
    identity ? [pem(identity.certPem)] : null,
    insecure ? SIGALGS_ANY : SIGALGS_DERIVED,
  );
  const s = settings;
  config.setApplicationProtos([QUIC_ALPN]);
  config.setMaxIdleTimeout(s.maxIdleTimeoutMs);
  config.setMaxSendUdpPayloadSize(s.mtu);
  // What we accept may be larger than what we send: a peer may be configured with a bigger MTU.
  config.setMaxRecvUdpPayloadSize(Math.max(s.mtu, 1500));
  const streamWindow = Math.min(s.initialStreamReceiveWindow, QUIC_MAX_STREAM_WINDOW);
  config.setInitialMaxData(Math.min(s.initialConnectionReceiveWindow, QUIC_MAX_CONNECTION_WINDOW));
  config.setInitialMaxStreamDataBidiLocal(streamWindow);
  config.setInitialMaxStreamDataBidiRemote(streamWindow);
  config.setInitialMaxStreamDataUni(streamWindow);
  config.setInitialMaxStreamsBidi(s.maxIncomingStreams);
  config.setInitialMaxStreamsUni(s.maxIncomingUniStreams);
  config.setMaxStreamWindow(Math.min(s.maxStreamReceiveWindow, QUIC_MAX_STREAM_WINDOW));
  config.setMaxConnectionWindow(Math.min(s.maxConnectionReceiveWindow, QUIC_MAX_CONNECTION_WINDOW));
  // Each paqet connection has its own port; nothing migrates.
  config.setDisableActiveMigration(true);
  config.enableDgram(s.enableDatagrams, 1024, 1024);
  config.setCcAlgorithmName(s.congestion);
  // quiche's own pacing stamps each packet with the time it should leave, not
  // the time it left, and the binding hands that time out only as an opaque
  // handle: sent earlier, every RTT and delivery-rate sample comes out short
  // (BBR fell to 0.2 MB/s, CUBIC's loss timers ran early). Off, packets are
  // stamped when sent; the session paces itself (session.ts, pacer.ts).
  config.enablePacing(false);
  return config;
}
