/**
 * The QUIC fork's side of a config file (docs/upstream-and-fork.md).
 * `transport.header` (ours; both Go programs ignore it) picks the stream
 * header the client writes; `gob` is fork mode, which also gives an empty
 * `transport.protocol` the fork's default. The fork's extra keys are accepted;
 * each one that would do something in the fork but not here gets a one-line
 * warning naming it.
 */
import type { StreamHeaderKind } from '@paqet/wire';
import type { ConfigFile } from './schema.js';
import type { KeyPath } from './source.js';

export const HEADER_KINDS = ['binary', 'gob'] as const satisfies readonly StreamHeaderKind[];
/** The fork's transport when `transport.protocol` is empty. */
export const FORK_DEFAULT_PROTOCOL = 'quic';

interface IssueSink {
  error(path: KeyPath, message: string): void;
  warn(path: KeyPath, message: string): void;
}

type TransportFile = NonNullable<ConfigFile['transport']>;

export function resolveHeader(c: IssueSink, tr: TransportFile): StreamHeaderKind {
  const header = tr.header || 'binary';
  if ((HEADER_KINDS as readonly string[]).includes(header)) return header as StreamHeaderKind;
  c.error(['transport', 'header'], `transport header must be one of: [${HEADER_KINDS.join(' ')}]`);
  return 'binary';
}

/**
 * `transport.protocol` with fork mode's default applied (an empty one is the
 * fork's QUIC); upstream files keep upstream's rule (it is required).
 */
export function resolveProtocol(tr: TransportFile, header: StreamHeaderKind): string {
  const written = tr.protocol ?? '';
  return header === 'gob' ? written || FORK_DEFAULT_PROTOCOL : written;
}

const SEND_QUEUE = "the fork's packet send queue; here each packet goes to pcap directly (no queue, no retries)";
const AS_UPSTREAM = (what: string) => `here ${what} as upstream paqet does`;

/** Why each fork key does nothing here, by section. */
const IGNORED: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'network.pcap': { send_queue_size: SEND_QUEUE, max_retries: SEND_QUEUE, initial_backoff_ms: SEND_QUEUE, max_backoff_ms: SEND_QUEUE },
  transport: {
    tcpbuf: "the fork's TCP relay copy buffer; here relays use Node's stream buffers",
    udpbuf: "the fork's UDP relay buffer; here datagrams up to 4096 bytes are relayed, as upstream",
    tunbuf: 'TUN mode is not supported',
  },
  performance: {
    max_concurrent_streams: 'streams are not limited here (upstream has no limit either)',
    packet_workers: 'packets are sent from one event loop here',
    stream_worker_pool_size: 'unused (in the fork too)',
    enable_connection_pooling: 'server-side target connection pooling is not supported (it can hand one target connection to several sessions)',
    tcp_connection_pool_size: 'there is no target connection pool',
    tcp_connection_idle_timeout: 'there is no target connection pool',
    max_retry_attempts: AS_UPSTREAM('stream setup is retried'),
    retry_initial_backoff_ms: AS_UPSTREAM('stream setup is retried'),
    retry_max_backoff_ms: AS_UPSTREAM('stream setup is retried'),
    connection_health_check_ms: AS_UPSTREAM('the liveness probe runs on every stream request'),
    tcp_flag_refresh_ms: AS_UPSTREAM('TCPF is sent on every stream request'),
  },
};

const isSet = (v: unknown) => v !== null && v !== undefined;

/** One warning per fork key that is set and would have an effect in the fork. */
export function warnForkExtras(c: IssueSink, raw: ConfigFile): void {
  const sections: Record<string, Record<string, unknown> | null | undefined> = {
    'network.pcap': raw.network?.pcap,
    transport: raw.transport,
    performance: raw.performance,
  };
  for (const [section, reasons] of Object.entries(IGNORED)) {
    const values = sections[section];
    if (!values) continue;
    for (const [key, reason] of Object.entries(reasons)) {
      if (isSet(values[key])) c.warn([...section.split('.'), key], `fork-only setting ignored: ${reason}`);
    }
  }
  // The tun section does nothing in the fork unless enabled.
  if (raw.tun?.enabled) c.warn(['tun', 'enabled'], 'fork-only setting ignored: TUN mode is not supported (tun.* is not used)');
}
