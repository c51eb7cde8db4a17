/**
 * @paqet/kcp: what a tunnel builder needs. KCP sessions shaped like node:net (connect,
 * createServer), smux streams over any Duplex, the cipher registry and key derivation,
 * and the package's typed errors. The parts under them are on subpaths:
 * @paqet/kcp/core (ARQ state machine), /crypto (datagram ciphers), /fec (Reed-Solomon FEC),
 * /smux (frames), /udp (the UDP PacketConn).
 */
export { connect, createServer, KcpSession, KcpServer } from './session/index.js';
export type {
  CipherOptions,
  FitWindows,
  KcpConnectOptions,
  KcpDropReason,
  KcpListenConnOptions,
  KcpListenUdpOptions,
  KcpServerAddress,
  KcpServerOptions,
  KcpSessionSettings,
  KcpSessionStats,
  PathStats,
  SessionClock,
} from './session/index.js';
export { SmuxSession, SmuxStream, PAQET_SMUX_CONFIG, type SmuxConfig, type SmuxSessionOptions } from './smux/index.js';
export { BLOCK_NAMES, CIPHERS, isBlockName, type BlockName, type CipherSpec } from './crypto/registry.js';
export { KEY_DERIVATION, deriveKey, deriveKeyAsync } from './crypto/key.js';
export { KCP_MODES, kcpTuning, type KcpMode, type KcpTuning } from './core/presets.js';
export { KcpError, KcpErrorCode, SmuxCloseError } from './errors.js';
