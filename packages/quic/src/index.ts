/**
 * @paqet/quic: QUIC v1 sessions with Duplex streams over any PacketConn
 * (the pcap raw socket, UDP, an in-memory link), both ends authenticated by a
 * shared secret.
 */
export { QuicSession, type QuicDialOptions, type QuicSessionStats } from './session.js';
export { QuicListener, type QuicListenOptions, type QuicListenerDrops, type QuicRejection } from './listener.js';
export { QuicStream } from './stream.js';
export { looksLikeQuicInitial } from './initial.js';
export type { QuicCloseInfo } from './close-reason.js';
export {
  QUIC_ALPN, QUIC_CONGESTION_CONTROLLERS, QUIC_DEFAULT_MTU, QUIC_DEFAULT_SETTINGS, QUIC_MAX_CONNECTION_WINDOW, QUIC_MAX_STREAM_WINDOW, QUIC_MIN_MTU,
  type QuicAuthOptions, type QuicCongestion, type QuicSettings,
} from './settings.js';
export { deriveQuicIdentity, type QuicIdentity } from './tls/identity.js';
