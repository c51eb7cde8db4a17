/** Fixed values and per-role defaults of the reference program (config.md sections 2-3). */
import type { Role } from './types.js';

export const LOG_LEVELS = ['none', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export const KCP_MODES = ['normal', 'fast', 'fast2', 'fast3', 'manual'] as const;
export const TRANSPORT_PROTOCOLS = ['kcp'] as const;
/** network.backend (ours; the Go program has no such key). */
export const RAW_BACKEND_NAMES = ['auto', 'afpacket', 'pcap'] as const;
/** network.firewall (our extension): see docs/configuration.md. */
export const FIREWALL_MODES = ['auto', 'check', 'off'] as const;
/**
 * Same list and order as BLOCK_NAMES in @paqet/kcp (src/crypto/types.ts); kept
 * as a literal so config loading does not pull in the crypto code.
 */
export const BLOCK_NAMES = [
  'aes', 'aes-128', 'aes-128-gcm', 'aes-192', 'salsa20', 'blowfish', 'twofish', 'cast5',
  '3des', 'tea', 'xtea', 'xor', 'sm4', 'none', 'null',
] as const;

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

/** KCP no-delay presets (config.md 2.7); `manual` takes the file's values. */
export const KCP_PRESETS = {
  normal: { nodelay: 0, interval: 40, resend: 2, nocongestion: 1, writeDelay: true, ackNoDelay: false },
  fast: { nodelay: 0, interval: 30, resend: 2, nocongestion: 1, writeDelay: true, ackNoDelay: false },
  fast2: { nodelay: 1, interval: 20, resend: 2, nocongestion: 1, writeDelay: false, ackNoDelay: true },
  fast3: { nodelay: 1, interval: 10, resend: 2, nocongestion: 1, writeDelay: false, ackNoDelay: true },
} as const;

/** Bytes of the PBKDF2 output each block's cipher receives (config.md 2.8); null = no cipher object. */
export const BLOCK_KEY_BYTES: Readonly<Record<(typeof BLOCK_NAMES)[number], number | null>> = {
  aes: 32, 'aes-128': 16, 'aes-128-gcm': 16, 'aes-192': 24, salsa20: 32, blowfish: 32, twofish: 32,
  cast5: 16, '3des': 24, tea: 16, xtea: 16, xor: 32, sm4: 16, none: 32, null: null,
};

export const KEY_DERIVATION = { salt: 'paqet', iterations: 100_000, length: 32, digest: 'sha256' } as const;
