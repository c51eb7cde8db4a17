/** What a KCP session and server are configured with (docs/protocol/kcp.md, docs/protocol/config.md). */
import type { Endpoint, PacketConn } from '@paqet/wire';
import type { KcpMode, KcpTuning } from '../core/presets.js';
import type { BlockName } from '../crypto/registry.js';
import type { DatagramCipher } from '../crypto/types.js';
import type { FecCodec } from '../fec/contract.js';
import type { SessionClock } from './clock.js';
import type { FitWindows } from './path-fit.js';

export interface KcpSessionSettings {
  /** paqet mode preset (default 'fast'). */
  mode?: KcpMode;
  /** Values for mode 'manual'. */
  manual?: Partial<KcpTuning>;
  /** Largest datagram including envelope (default 1350; capped at 1500). */
  mtu?: number;
  /** Send window in segments (default 128, paqet's client default). */
  sndwnd?: number;
  /** Receive window in segments (default 512, paqet's client default). */
  rcvwnd?: number;
  /**
   * Size the windows from the path instead (docs/PERFORMANCE.md, "Windows and loss"):
   * `snd` grows the send window to 3 bandwidth-delay products and paces new data at the
   * measured delivery rate; `rcv` grows the advertised receive window with the measured
   * receive rate. `sndwnd` / `rcvwnd` are then the floors; both stay within a 24 MiB
   * bound. Off by default (fixed windows, kcp-go's schedule). `true` = both.
   */
  fitWindows?: FitWindows;
  /** FEC data / parity shards; both > 0 enables FEC. */
  dshard?: number;
  pshard?: number;
  /** FEC implementation (default: the package's Reed-Solomon codec). */
  fecCodec?: FecCodec;
  /** Time source (default real time); tests pass a virtual clock. */
  clock?: SessionClock;
}

export interface CipherOptions {
  /** paqet `block` (default 'aes'). */
  block?: BlockName;
  /**
   * The passphrase (derived with PBKDF2 as paqet does, off the main thread) or the
   * 32-byte derived key itself. Required unless block is 'none' or 'null'.
   */
  key?: string | Uint8Array;
  /**
   * Builds the datagram ciphers instead of `block` + `key` (one call per session, a fresh
   * instance each time): another implementation of the same bytes, such as
   * @paqet/kcp-native's. `block` and `key` are then not read.
   */
  createCipher?: () => DatagramCipher;
}

/**
 * `connect()` options: either `host` + `port` (a UDP socket of its own, closed with the
 * session) or `conn` + `remote` (any PacketConn: the pcap socket, a memory link).
 */
export interface KcpConnectOptions extends KcpSessionSettings, CipherOptions {
  /** Server name or address (UDP form). */
  host?: string;
  /** Server port (UDP form). */
  port?: number;
  /** Local bind address/port (UDP form; default any / ephemeral). */
  localAddress?: string;
  localPort?: number;
  /** The PacketConn to run over (PacketConn form); only datagrams from `remote` are taken. */
  conn?: PacketConn;
  /** Where the server is (PacketConn form). */
  remote?: Endpoint;
  /** Close `conn` with the session (PacketConn form; default false). */
  ownsConn?: boolean;
  /** The conversation id (default: a random one, as kcp-go's dialer picks). */
  conv?: number;
}

export interface KcpServerOptions extends KcpSessionSettings, CipherOptions {
  /** Sessions waiting for accept() when nobody listens to 'session' (default 128). */
  backlog?: number;
}

/** `server.listen()` over a PacketConn instead of a UDP port. */
export interface KcpListenConnOptions {
  conn: PacketConn;
  /** Close `conn` when the server closes (default true). */
  ownsConn?: boolean;
}

export interface KcpListenUdpOptions {
  port?: number;
  /** Bind address (default 0.0.0.0; '::' listens on IPv6). */
  host?: string;
}
