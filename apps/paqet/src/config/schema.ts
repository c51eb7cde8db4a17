/**
 * Structural schema of the configuration file, key for key as the Go program
 * decodes it (docs/configuration.md). Only shapes and scalar types are checked
 * here; ranges and cross-field rules live in validate.ts so their messages can
 * match the reference program's, in its order.
 *
 * Decoder parity (goccy/go-yaml): null or absent means "unset"; quoted numbers
 * are accepted for integer fields; numbers are accepted for string fields; a
 * scalar where a list or mapping is expected is an error.
 */
import * as v from 'valibot';
import type { KnownKeys } from './source.js';

function yamlKind(input: unknown): string {
  if (Array.isArray(input)) return 'sequence';
  if (input === null || input === undefined) return 'null';
  if (typeof input === 'object') return 'mapping';
  if (typeof input === 'number') return Number.isInteger(input) ? 'integer' : 'float';
  if (typeof input === 'boolean') return 'bool';
  return 'string';
}

// Custom checks rather than unions: a union reports every failed branch.
const isYamlString = (x: unknown): x is string | number => typeof x === 'string' || typeof x === 'number';
const str = v.nullish(
  v.pipe(
    v.custom<string | number>(isYamlString, (issue) => `${yamlKind(issue.input)} was used where string is expected`),
    v.transform((x) => String(x)),
  ),
);

const INT_TEXT = /^\s*[+-]?\d{1,15}\s*$/;
const isYamlInt = (x: unknown): x is string | number =>
  (typeof x === 'number' && Number.isSafeInteger(x)) || (typeof x === 'string' && INT_TEXT.test(x));
const int = v.nullish(
  v.pipe(
    v.custom<string | number>(isYamlInt, (issue) =>
      typeof issue.input === 'string'
        ? `cannot use string ${JSON.stringify(issue.input)} as an integer`
        : `${yamlKind(issue.input)} was used where integer is expected`,
    ),
    v.transform((x) => (typeof x === 'number' ? x : Number.parseInt(x.trim(), 10))),
  ),
);

const bool = v.nullish(v.boolean((issue) => `${yamlKind(issue.input)} was used where bool is expected`));

function map<const E extends v.ObjectEntries>(entries: E) {
  return v.nullish(v.object(entries, (issue) => `${yamlKind(issue.input)} was used where mapping is expected`));
}

function list<const T extends v.GenericSchema>(item: T) {
  return v.nullish(v.array(item, (issue) => `${yamlKind(issue.input)} was used where sequence is expected`));
}

const addrEntry = map({ addr: str, router_mac: str });

// Keys only the QUIC fork's files have (docs/upstream-and-fork.md); fork.ts says what becomes of each.
const FORK_PCAP_KEYS = { send_queue_size: int, max_retries: int, initial_backoff_ms: int, max_backoff_ms: int };
const FORK_TRANSPORT_KEYS = {
  tcpbuf: int,
  udpbuf: int,
  tunbuf: int,
  quic: map({
    max_idle_timeout: int, max_incoming_streams: int, max_incoming_uni_streams: int,
    initial_stream_receive_window: int, max_stream_receive_window: int,
    initial_connection_receive_window: int, max_connection_receive_window: int,
    keep_alive_period: int, enable_datagrams: bool, enable_0rtt: bool, insecure_skip_verify: bool, server_name: str,
  }),
};
const FORK_TOP_KEYS = {
  tun: map({ enabled: bool, name: str, addr: str, mtu: int }),
  performance: map({
    max_concurrent_streams: int, packet_workers: int, stream_worker_pool_size: int, enable_connection_pooling: bool,
    tcp_connection_pool_size: int, tcp_connection_idle_timeout: int, max_retry_attempts: int,
    retry_initial_backoff_ms: int, retry_max_backoff_ms: int, connection_health_check_ms: int, tcp_flag_refresh_ms: int,
  }),
};

export const configFileSchema = v.object(
  {
    role: str,
    log: map({ level: str, format: str }),
    metrics: map({ listen: str }),
    listen: map({ addr: str }),
    server: map({ addr: str }),
    socks5: list(v.object({ listen: str, username: str, password: str, password_file: str, password_env: str }, (i) => `${yamlKind(i.input)} was used where mapping is expected`)),
    forward: list(v.object({ listen: str, target: str, protocol: str }, (i) => `${yamlKind(i.input)} was used where mapping is expected`)),
    // paqet-ts only (the Go program ignores it): targets.ts.
    targets: map({ allow: list(str), deny: list(str) }),
    network: map({
      interface: str,
      guid: str,
      ipv4: addrEntry,
      ipv6: addrEntry,
      pcap: map({ sockbuf: int, ...FORK_PCAP_KEYS }),
      // Ours, not the Go program's (which ignores it): how raw packets are moved.
      backend: str,
      firewall: str,
      tcp: map({ local_flag: list(str), remote_flag: list(str) }),
    }),
    transport: map({
      protocol: str,
      conn: int,
      /** Ours: which stream header the client writes (fork.ts). */
      header: str,
      ...FORK_TRANSPORT_KEYS,
      kcp: map({
        mode: str,
        nodelay: int,
        interval: int,
        resend: int,
        nocongestion: int,
        wdelay: bool,
        acknodelay: bool,
        mtu: int,
        rcvwnd: int,
        sndwnd: int,
        dshard: int,
        pshard: int,
        block: str,
        key: str,
        key_file: str,
        key_env: str,
        smuxbuf: int,
        streambuf: int,
        smuxkalive: int,
        smuxktimeout: int,
      }),
      // The QUIC fork's keys (docs/configuration.md, transport.quic), plus our key and mtu.
      quic: map({
        key: str,
        key_file: str,
        key_env: str,
        mtu: int,
        max_idle_timeout: int,
        max_incoming_streams: int,
        max_incoming_uni_streams: int,
        initial_stream_receive_window: int,
        max_stream_receive_window: int,
        initial_connection_receive_window: int,
        max_connection_receive_window: int,
        keep_alive_period: int,
        enable_datagrams: bool,
        enable_0rtt: bool,
        insecure_skip_verify: bool,
        server_name: str,
        congestion: str,
      }),
    }),
    ...FORK_TOP_KEYS,
  },
  (issue) => `${yamlKind(issue.input)} was used where mapping is expected`,
);

/** The file as decoded: every field optional, scalars already coerced. */
export type ConfigFile = v.InferOutput<typeof configFileSchema>;

/** Accepted keys, derived from the schema so the two cannot drift apart. */
export const KNOWN_KEYS: KnownKeys = knownKeysOf(configFileSchema);

function knownKeysOf(schema: v.GenericSchema): KnownKeys {
  const out: Record<string, KnownKeys | [KnownKeys] | true> = {};
  const entries = (unwrap(schema) as unknown as { entries: Record<string, v.GenericSchema> }).entries;
  for (const [key, child] of Object.entries(entries)) {
    const inner = unwrap(child);
    if (inner.type === 'object') out[key] = knownKeysOf(inner);
    else if (inner.type === 'array') {
      const item = unwrap((inner as unknown as { item: v.GenericSchema }).item);
      out[key] = item.type === 'object' ? [knownKeysOf(item)] : true;
    } else out[key] = true;
  }
  return out;
}

/** Strip nullish/optional wrappers and pipes to reach the structural schema. */
function unwrap(schema: v.GenericSchema): v.GenericSchema {
  let s = schema as v.GenericSchema & { wrapped?: v.GenericSchema; pipe?: readonly v.GenericSchema[] };
  for (;;) {
    if (s.wrapped) s = s.wrapped as typeof s;
    else if (s.pipe && s.pipe[0] !== s) s = s.pipe[0] as typeof s;
    else return s;
  }
}
