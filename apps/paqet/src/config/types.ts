/**
 * The resolved configuration: every default applied, every address parsed,
 * the KCP mode expanded into numbers and the key derived. This is all the
 * client/server wiring needs; nothing in it is re-read from the file.
 */
import type { TargetPolicy } from '@paqet/proxy';
import type { QuicCongestion } from '@paqet/quic';
import type { StreamHeaderKind } from '@paqet/wire';
import type { ResolvedEndpoint } from './address.js';
import type { BLOCK_NAMES, FIREWALL_MODES, KCP_MODES, LOG_LEVELS, RAW_BACKEND_NAMES } from './constants.js';
import type { TcpFlagSpec } from './flags.js';

export type Role = 'client' | 'server';
export type FirewallMode = (typeof FIREWALL_MODES)[number];
export type LogLevelName = (typeof LOG_LEVELS)[number];
export type KcpMode = (typeof KCP_MODES)[number];
export type BlockName = (typeof BLOCK_NAMES)[number];
export type RawBackendName = (typeof RAW_BACKEND_NAMES)[number];

export interface Socks5Listener {
  readonly listen: ResolvedEndpoint;
  readonly username: string;
  readonly password: string;
  /** RFC 1929 is required when either username or password is non-empty. */
  readonly authRequired: boolean;
}

export interface ForwardTarget {
  readonly text: string;
  /** Not resolved locally: the server resolves it ('' = the server's own host). */
  readonly host: string;
  readonly port: number;
}

export interface ForwardRule {
  readonly listen: ResolvedEndpoint;
  readonly target: ForwardTarget;
  /** Anything else is refused at load (the reference program loads it and aborts at start-up). */
  readonly protocol: 'tcp' | 'udp';
}

export interface NetworkFamily {
  readonly addr: ResolvedEndpoint;
  /** Normalised `aa:bb:cc:dd:ee:ff`. */
  readonly routerMac: string;
  readonly routerMacBytes: Uint8Array;
}

export interface ResolvedNetwork {
  readonly interface: string;
  /** The interface's own MAC (Ethernet source), when the OS reports one. */
  readonly interfaceMac: string | null;
  /** Windows Npcap device GUID; '' elsewhere. */
  readonly guid: string;
  readonly ipv4: NetworkFamily | null;
  readonly ipv6: NetworkFamily | null;
  /** Port of the packet filter and crafted packets: IPv6 port if configured, else IPv4's. 0 = random per connection. */
  readonly port: number;
  readonly pcap: { readonly sockbuf: number };
  /** How raw packets move: 'auto' (AF_PACKET on Linux where built, else libpcap), 'afpacket' or 'pcap'. */
  readonly backend: RawBackendName;
  readonly tcp: { readonly localFlag: readonly TcpFlagSpec[]; readonly remoteFlag: readonly TcpFlagSpec[] };
  /** Our extension: `auto` adds and removes the iptables rules, `check` (default) warns when missing, `off` does neither. */
  readonly firewall: FirewallMode;
}

export interface ResolvedSmux {
  readonly version: 2;
  readonly keepAliveIntervalMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxFrameSize: 65535;
  readonly maxReceiveBuffer: number;
  readonly maxStreamBuffer: number;
  /** `streambuf` unset: stream windows also follow the KCP receive window (docs/configuration.md). */
  readonly windowFromPath: boolean;
}

export interface ResolvedKcp {
  readonly mode: KcpMode;
  readonly nodelay: number;
  readonly interval: number;
  readonly resend: number;
  readonly nocongestion: number;
  readonly writeDelay: boolean;
  readonly ackNoDelay: boolean;
  readonly mtu: number;
  readonly sndwnd: number;
  readonly rcvwnd: number;
  /** True for each window the file leaves unset: the session sizes it from the path (RTT x delivery rate). */
  readonly windowsFromPath: { readonly snd: boolean; readonly rcv: boolean };
  /** FEC: 0/0 = off. */
  readonly dshard: number;
  readonly pshard: number;
  readonly block: BlockName;
  /** The passphrase as written. */
  readonly key: string;
  /** PBKDF2-HMAC-SHA256(key, "paqet", 100000, 32). */
  readonly derivedKey: Uint8Array;
  /** The prefix of derivedKey the block's cipher receives; null for `null`. */
  readonly cipherKey: Uint8Array | null;
  readonly smux: ResolvedSmux;
}

export interface ResolvedConfig {
  /** The file it came from (for messages). */
  readonly file: string;
  readonly role: Role;
  /** format is our extension: `text` (the Go program's lines, default) or `json`. */
  readonly log: { readonly level: LogLevelName; readonly format: 'text' | 'json' };
  /** Server only: shown in logs and by `dump`; the real port is network.port. */
  readonly listen: ResolvedEndpoint | null;
  /** Client only. */
  readonly server: ResolvedEndpoint | null;
  readonly socks5: readonly Socks5Listener[];
  readonly forward: readonly ForwardRule[];
  readonly network: ResolvedNetwork;
  /** Our extension: the metrics/status HTTP listener (`metrics.listen`), null when off. */
  readonly metrics: { readonly listen: ResolvedEndpoint | null };
  readonly transport: ResolvedTransport;
  /** Server: the targets its relay may reach (no rules = every target). */
  readonly targets: TargetPolicy;
}

/** transport.quic, resolved (docs/configuration.md). Times in ms. */
export interface ResolvedQuic {
  /** The shared secret as written ('' only in insecure mode). */
  readonly key: string;
  /** PBKDF2 of key, as for transport.kcp.key; both ends derive their TLS identity from it. Null without a key. */
  readonly derivedKey: Uint8Array | null;
  /** The fork's insecure mode: no certificate checks (client: of the server; server: of clients). */
  readonly insecureSkipVerify: boolean;
  readonly serverName: string;
  readonly mtu: number;
  readonly maxIdleTimeoutMs: number;
  readonly keepAlivePeriodMs: number;
  readonly maxIncomingStreams: number;
  readonly maxIncomingUniStreams: number;
  readonly initialStreamReceiveWindow: number;
  readonly maxStreamReceiveWindow: number;
  readonly initialConnectionReceiveWindow: number;
  readonly maxConnectionReceiveWindow: number;
  readonly enableDatagrams: boolean;
  readonly enable0rtt: boolean;
  /** quiche's congestion controller (ours, not the fork's: docs/quic.md). */
  readonly congestion: QuicCongestion;
}

interface TransportCommon {
  /**
   * The stream header this client writes: `binary` (upstream, the default) or
   * `gob` (fork mode, to talk to the QUIC fork). A server reads both kinds.
   */
  readonly header: StreamHeaderKind;
  readonly conn: number;
}

/** `kcp+quic`: a server taking both on one port (docs/quic.md, "KCP and QUIC on one port"). */
export type ResolvedTransport = TransportCommon &
  (
    | { readonly protocol: 'kcp'; readonly kcp: ResolvedKcp; readonly quic?: undefined }
    | { readonly protocol: 'quic'; readonly quic: ResolvedQuic; readonly kcp?: undefined }
    | { readonly protocol: 'kcp+quic'; readonly kcp: ResolvedKcp; readonly quic: ResolvedQuic }
  );
