/** Fixed values and per-role defaults of the reference program (docs/configuration.md). */
import type { Role } from './types.js';

// Block names, key sizes, KCP modes and presets are @paqet/kcp's (its cipher registry and presets).
export { BLOCK_NAMES, KCP_MODES } from '@paqet/kcp';

export const LOG_LEVELS = ['none', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export const TRANSPORT_PROTOCOLS = ['kcp'] as const;
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

