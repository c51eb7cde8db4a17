/**
 * transport.quic (docs/configuration.md): the QUIC fork's keys with its per-role
 * defaults and ranges, plus `key` (the shared secret both ends authenticate
 * with; or `key_file` / `key_env`) and `mtu`. Called from validate.ts when transport.protocol is quic.
 */
import { QUIC_CONGESTION_CONTROLLERS, QUIC_DEFAULT_SETTINGS, type QuicCongestion } from '@paqet/quic';
import { QUIC_LIMITS, QUIC_ROLE_DEFAULTS } from './constants.js';
import type { ConfigFile } from './schema.js';
import { readSecret } from './secrets.js';
import type { KeyPath } from './source.js';
import type { ResolvedQuic, Role } from './types.js';

type QuicFile = NonNullable<NonNullable<ConfigFile['transport']>['quic']>;

export interface QuicIssueSink {
  error(path: KeyPath, message: string): void;
  warn(path: KeyPath, message: string): void;
}

const isQuicCongestion = (v: string): v is QuicCongestion => (QUIC_CONGESTION_CONTROLLERS as readonly string[]).includes(v);

/** In fork mode the peers are the fork's, which hold no key: say what reaching them takes. */
const FORK_KEY_MISSING: Readonly<Record<Role, string>> = {
  client:
    "QUIC key is required: a fork server's certificate cannot be checked, so reaching one takes insecure_skip_verify: true (authentication off); a key works with paqet-ts servers only",
  server:
    'QUIC key is required: fork clients hold no key, so serving them takes insecure_skip_verify: true (any client can then use this server); a key admits paqet-ts clients only',
};

/** Everything but the derived key (validate.ts derives it once the whole file is valid). */
export type CheckedQuic = Omit<ResolvedQuic, 'derivedKey'>;

/** `forkMode` (transport.header: gob) only changes what a missing key's error suggests. */
export function checkQuic(c: QuicIssueSink, role: Role, q: QuicFile, file: string, forkMode = false): CheckedQuic | null {
  const at = (key: string): KeyPath => ['transport', 'quic', key];
  const d = QUIC_ROLE_DEFAULTS[role];
  const L = QUIC_LIMITS;
  // 0 means "unset", as everywhere in the file.
  const or = (v: number | null | undefined, dflt: number) => (v ? v : dflt);
  let ok = true;
  const range = (key: string, v: number, lo: number, hi: number, what: string) => {
    if (v < lo || v > hi) {
      c.error(at(key), `QUIC ${key} must be between ${lo}-${hi}${what}`);
      ok = false;
    }
  };
  const atLeast = (key: string, v: number, lo: number, what: string) => {
    if (v < lo) {
      c.error(at(key), `QUIC ${key} must be >= ${what}`);
      ok = false;
    }
  };

  const idle = or(q.max_idle_timeout, d.maxIdleTimeout);
  const streams = or(q.max_incoming_streams, d.maxIncomingStreams);
  const uniStreams = or(q.max_incoming_uni_streams, d.maxIncomingStreams);
  const initialStream = or(q.initial_stream_receive_window, d.initialStreamWindow);
  const maxStream = or(q.max_stream_receive_window, d.maxStreamWindow);
  const initialConn = or(q.initial_connection_receive_window, d.initialConnectionWindow);
  const maxConn = or(q.max_connection_receive_window, d.maxConnectionWindow);
  const keepAlive = or(q.keep_alive_period, d.keepAlivePeriod);
  const mtu = or(q.mtu, L.mtuDefault);
  range('max_idle_timeout', idle, L.idleTimeoutMin, L.idleTimeoutMax, ' seconds');
  range('max_incoming_streams', streams, L.streamsMin, L.streamsMax, '');
  range('max_incoming_uni_streams', uniStreams, L.streamsMin, L.streamsMax, '');
  atLeast('initial_stream_receive_window', initialStream, L.windowMin, '1048576 bytes (1 MiB)');
  atLeast('max_stream_receive_window', maxStream, initialStream, 'initial_stream_receive_window');
  atLeast('initial_connection_receive_window', initialConn, L.windowMin, '1048576 bytes (1 MiB)');
  atLeast('max_connection_receive_window', maxConn, initialConn, 'initial_connection_receive_window');
  range('keep_alive_period', keepAlive, L.keepAliveMin, L.keepAliveMax, ' seconds');
  range('mtu', mtu, L.mtuMin, L.mtuMax, ' bytes');
  const congestion = q.congestion ?? QUIC_DEFAULT_SETTINGS.congestion;
  if (!isQuicCongestion(congestion)) {
    c.error(at('congestion'), `QUIC congestion must be one of ${QUIC_CONGESTION_CONTROLLERS.join(', ')}`);
    ok = false;
  }

  let secretFailed = false;
  const secretSink = {
    error: (path: KeyPath, message: string) => {
      secretFailed = true;
      c.error(path, message);
    },
  };
  const key = readSecret(secretSink, at('key'), { inline: q.key, file: q.key_file, env: q.key_env }, file);
  const insecure = q.insecure_skip_verify ?? false;
  if (secretFailed) ok = false;
  else if (!key && !insecure) {
    c.error(at('key'), forkMode ? FORK_KEY_MISSING[role] : 'QUIC key is required (both ends authenticate with it; insecure_skip_verify: true turns authentication off)');
    ok = false;
  }
  if (insecure) {
    c.warn(
      at('insecure_skip_verify'),
      role === 'server'
        ? 'QUIC authentication is off: any client can use this server (the fork-compatible insecure mode)'
        : 'QUIC authentication is off: the server is not verified (the fork-compatible insecure mode)',
    );
  }
  if (q.enable_0rtt) c.warn(at('enable_0rtt'), 'QUIC 0-RTT is not used (as in the fork); the key has no effect');
  if (!ok) return null;
  return {
    key,
    insecureSkipVerify: insecure,
    serverName: q.server_name ?? '',
    mtu,
    maxIdleTimeoutMs: idle * 1000,
    keepAlivePeriodMs: keepAlive * 1000,
    maxIncomingStreams: streams,
    maxIncomingUniStreams: uniStreams,
    initialStreamReceiveWindow: initialStream,
    maxStreamReceiveWindow: maxStream,
    initialConnectionReceiveWindow: initialConn,
    maxConnectionReceiveWindow: maxConn,
    enableDatagrams: q.enable_datagrams ?? false,
    enable0rtt: q.enable_0rtt ?? true,
    congestion: congestion as QuicCongestion,
  };
}
