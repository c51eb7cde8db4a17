/**
 * The QUIC engine: Cloudflare's quiche (Rust, BoringSSL) as compiled into
 * @matrixai/quic's prebuilt N-API binding. quiche is sans-I/O: it takes
 * received datagrams and hands out datagrams to send, which is what lets a
 * session run over any PacketConn. Only the small part we drive is typed here;
 * these types stay internal (not re-exported).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface HostPort {
  host: string;
  port: number;
}

export interface RecvInfo {
  from: HostPort;
  to: HostPort;
}

export interface ConnectionError {
  isApp: boolean;
  errorCode: number;
  reason: Uint8Array;
}

export interface NativeStats {
  recv: number;
  sent: number;
  lost: number;
  retrans: number;
  sentBytes: number;
  recvBytes: number;
  lostBytes: number;
  streamRetransBytes: number;
}

export interface NativePathStats {
  rtt: number;
  cwnd: number;
  pmtu: number;
  deliveryRate: number;
}

export interface NativeConfig {
  setApplicationProtos(protos: string[]): void;
  setMaxIdleTimeout(ms: number): void;
  setMaxRecvUdpPayloadSize(n: number): void;
  setMaxSendUdpPayloadSize(n: number): void;
  setInitialMaxData(n: number): void;
  setInitialMaxStreamDataBidiLocal(n: number): void;
  setInitialMaxStreamDataBidiRemote(n: number): void;
  setInitialMaxStreamDataUni(n: number): void;
  setInitialMaxStreamsBidi(n: number): void;
  setInitialMaxStreamsUni(n: number): void;
  setDisableActiveMigration(v: boolean): void;
  setMaxStreamWindow(n: number): void;
  setMaxConnectionWindow(n: number): void;
  enableDgram(enabled: boolean, recvQueueLen: number, sendQueueLen: number): void;
  /** "reno", "cubic" or "bbr" (quiche 0.18 has no others). */
  setCcAlgorithmName(name: string): void;
  enablePacing(v: boolean): void;
  grease(v: boolean): void;
}

export interface NativeConnection {
  recv(data: Uint8Array, info: RecvInfo): number;
  send(out: Uint8Array): [number, unknown] | null;
  streamRecv(id: number, out: Uint8Array): [number, boolean] | null;
  streamSend(id: number, data: Uint8Array, fin: boolean): number | null;
  streamShutdown(id: number, direction: 0 | 1, err: number): void | null;
  streamFinished(id: number): boolean;
  peerStreamsLeftBidi(): number;
  /** Whether any stream has bytes or a FIN to read (a cheap check before readable()). */
  isReadable(): boolean;
  /** Whether this stream has bytes or a FIN to read (false for a stream quiche has not seen). */
  streamReadable(id: number): boolean;
  /** Bytes quiche would take on this stream now; throws for a stopped or unknown stream. */
  streamCapacity(id: number): number;
  /** The next two allocate an N-API object per call that only a full GC frees: see session.ts. */
  readable(): Iterable<number>;
  writable(): Iterable<number>;
  timeout(): number | null;
  onTimeout(): void;
  close(app: boolean, err: number, reason: Uint8Array): void | null;
  applicationProto(): Uint8Array;
  peerCertChain(): Uint8Array[] | null;
  isEstablished(): boolean;
  isDraining(): boolean;
  isClosed(): boolean;
  isTimedOut(): boolean;
  peerError(): ConnectionError | null;
  localError(): ConnectionError | null;
  stats(): NativeStats;
  pathStats(): NativePathStats[];
  sendAckEliciting(): void;
}

export interface NativeHeader {
  ty: number;
  dcid: Uint8Array;
}

interface QuicheBinding {
  MIN_CLIENT_INITIAL_LEN: number;
  MAX_CONN_ID_LEN: number;
  Config: {
    withBoringSslCtx(
      verifyPeer: boolean, verifyAllowFail: boolean, ca: Uint8Array | null, key: Uint8Array[] | null, cert: Uint8Array[] | null, sigalgs: string | null,
    ): NativeConfig;
  };
  Connection: {
    connect(serverName: string | null, scid: Uint8Array, local: HostPort, peer: HostPort, config: NativeConfig): NativeConnection;
    accept(scid: Uint8Array, odcid: Uint8Array | null, local: HostPort, peer: HostPort, config: NativeConfig): NativeConnection;
  };
  Header: { fromSlice(data: Uint8Array, dcidLen: number): NativeHeader };
}

let binding: QuicheBinding | null = null;

/**
 * The binding, loaded on first use. @matrixai/quic exports its loader to
 * `import` only, so it is found through the package's (exported) package.json
 * and loaded with require(esm) (Node >= 20.19), which works from both our ESM
 * and CJS builds.
 */
export function quiche(): QuicheBinding {
  if (binding) return binding;
  const requireHere = createRequire(import.meta.url);
  const dir = dirname(requireHere.resolve('@matrixai/quic/package.json'));
  binding = (requireHere(join(dir, 'dist', 'native', 'quiche.js')) as { default: QuicheBinding }).default;
  return binding;
}

/** quiche's packet type numbering (Header.ty). */
export const PACKET_TYPE_INITIAL = 0;
/** Shutdown directions for streamShutdown. */
export const SHUTDOWN_READ = 0;
export const SHUTDOWN_WRITE = 1;
/** RFC 9000 20.1 + RFC 9001 4.8: TLS alerts travel as 0x100 + alert. */
export const CRYPTO_ERROR_BASE = 0x100;
export const TLS_ALERT_HANDSHAKE_FAILURE = 40;
export const TLS_ALERT_UNKNOWN_CA = 48;
export const TLS_ALERT_CERTIFICATE_REQUIRED = 116;
export const TLS_ALERT_NO_APPLICATION_PROTOCOL = 120;
