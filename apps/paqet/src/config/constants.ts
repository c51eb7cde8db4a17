/** Fixed values and per-role defaults of the reference program (docs/configuration.md). */
import type { Role } from './types.js';

// Block names, key sizes, KCP modes and presets are @paqet/kcp's (its cipher registry and presets).
export { BLOCK_NAMES, KCP_MODES } from '@paqet/kcp';

export const LOG_LEVELS = ['none', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export const TRANSPORT_PROTOCOLS = ['kcp', 'quic'] as const;
/** Our extension, servers only: KCP and QUIC clients on the same port. */
export const SERVER_PROTOCOLS = [...TRANSPORT_PROTOCOLS, 'kcp+quic'] as const;
/** network.backend (ours; the Go program has no such key). */
export const RAW_BACKEND_NAMES = ['auto', 'afpacket', 'pcap'] as const;
/** network.firewall (our extension): see docs/configuration.md. */
export const FIREWALL_MODES = ['auto', 'check', 'off'] as const;

export interface RoleDefaults {
  readonly sockbuf: number;
  readonly rcvwnd: number;
  readonly sndwnd: number;
}

const MiB = 1024 * 1024;

export const ROLE_DEFAULTS: Readonly<Record<Role, RoleDefaults>> = {
  client: { sockbuf: 4 * MiB, rcvwnd: 512, sndwnd: 128 },
  server: { sockbuf: 8 * MiB, rcvwnd: 1024, sndwnd: 1024 },
};

export const COMMON_DEFAULTS = {
  logLevel: 'none',
  tcpFlags: ['PA'],
  conn: 1,
  mode: 'fast',
  mtu: 1350,
  block: 'aes',
  smuxbuf: 4 * MiB,
  streambuf: 2 * MiB,
  smuxkalive: 2,
  smuxktimeout: 8,
} as const;

export const LIMITS = {
  interfaceName: 15,
  sockbufMin: 1024,
  sockbufMax: 100 * MiB,
  flagStrings: 64,
  connMin: 1,
  connMax: 256,
  mtuMin: 50,
  mtuMax: 1500,
  windowMin: 1,
  windowMax: 32768,
  smuxBufferMin: 1024,
} as const;

/** transport.quic defaults per role (the QUIC fork's, docs/configuration.md); times in seconds, sizes in bytes. */
export const QUIC_ROLE_DEFAULTS: Readonly<Record<Role, {
  readonly maxIdleTimeout: number;
  readonly maxIncomingStreams: number;
  readonly initialStreamWindow: number;
  readonly maxStreamWindow: number;
  readonly initialConnectionWindow: number;
  readonly maxConnectionWindow: number;
  readonly keepAlivePeriod: number;
}>> = {
  client: { maxIdleTimeout: 30, maxIncomingStreams: 5000, initialStreamWindow: 6 * MiB, maxStreamWindow: 24 * MiB, initialConnectionWindow: 15 * MiB, maxConnectionWindow: 60 * MiB, keepAlivePeriod: 10 },
  server: { maxIdleTimeout: 60, maxIncomingStreams: 50000, initialStreamWindow: 10 * MiB, maxStreamWindow: 40 * MiB, initialConnectionWindow: 30 * MiB, maxConnectionWindow: 100 * MiB, keepAlivePeriod: 15 },
};

export const QUIC_LIMITS = {
  idleTimeoutMin: 1,
  idleTimeoutMax: 600,
  streamsMin: 1,
  streamsMax: 100_000,
  windowMin: MiB,
  keepAliveMin: 1,
  keepAliveMax: 60,
  /** RFC 9000 14.1: Initial datagrams are at least 1200 bytes. */
  mtuMin: 1200,
  mtuMax: 1500,
  /** quic-go's datagram size, which the fork never grows over raw packets. */
  mtuDefault: 1280,
} as const;
