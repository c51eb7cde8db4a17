/**
 * One accepted stream on the server (docs/protocol/stream-header.md, section 2): read its first message in
 * either header kind, then PING→PONG (in the same kind), TCPF→per-client flags,
 * TCP/UDP→@paqet/proxy relays. Transport-neutral: any Duplex with a stream id,
 * from smux over KCP or from QUIC (docs/upstream-and-fork.md).
 */
import type { Duplex } from 'node:stream';
import { relayTcp, relayUdp, TargetDeniedError, type Dialer } from '@paqet/proxy';
import { encodeStreamHeader, type Endpoint } from '@paqet/wire';
import type { Logger } from '../log/logger.js';
import type { RateLimitedLog } from '../log/rate-limit.js';
import { readStreamHeader } from './read-header.js';

/** docs/protocol/stream-header.md, section 2: server TCP dial / UDP setup timeout. */
export const SERVER_DIAL_TIMEOUT_MS = 8000;

export interface ServerCounters {
  sessions: number;
  streams: number;
  pings: number;
  tcpf: number;
  tcp: number;
  udp: number;
  /** Streams that ended before a whole header (probe streams land here). */
  emptyStreams: number;
  /** Bad magic/version/length/type or body. */
  badHeaders: number;
  /** Streams whose header was the fork's gob kind (the rest were binary). */
  gobHeaders: number;
  dialFailures: number;
  /** Refused by the `targets` policy (not counted in dialFailures). */
  denied: number;
  relayErrors: number;
  /** Handshakes refused because the client does not hold the key (QUIC). */
  rejected: number;
}

/** A stream as the handler needs it: a byte pipe with the transport's stream id. */
export type ServerStream = Duplex & { readonly id: number };

/** The per-client TCP flag lists of the raw socket (TCPF messages). */
export interface RemoteFlagTable {
  setRemoteFlags(remote: Endpoint, flags: readonly number[]): void;
  clearRemoteFlags(remote: Endpoint): void;
}

export interface StreamHandlerDeps {
  readonly logger: Logger;
  readonly dialer: Dialer;
  /** Aborted at shutdown: dials and relays end. */
  readonly signal: AbortSignal;
  readonly counters: ServerCounters;
  readonly flags: RemoteFlagTable;
  /** Where refusals of the targets policy are logged (rate-limited). */
  readonly denials: RateLimitedLog;
}

export async function handleStream(stream: ServerStream, remote: Endpoint, remoteText: string, deps: StreamHandlerDeps): Promise<void> {
  const { counters, logger } = deps;
  counters.streams++;
  const sid = stream.id;
  stream.on('error', () => {});
  stream.once('close', () => logger.debug('stream %d from %s closed', sid, remoteText));
  const header = await readStreamHeader(stream);
  if (!header.ok) {
    if (header.eof) counters.emptyStreams++;
    else counters.badHeaders++;
    logger.error('failed to read protocol message from stream %d: %v', sid, header.error);
    stream.destroy();
    return;
  }
  const { kind, message: m } = header;
  if (kind === 'gob') counters.gobHeaders++;
  switch (m.type) {
    case 'ping':
      counters.pings++;
      stream.end(Buffer.from(encodeStreamHeader(kind, { type: 'pong' })), () => stream.destroy());
      return;
    case 'tcpf':
      counters.tcpf++;
      if (m.flags.length > 0) deps.flags.setRemoteFlags(remote, m.flags);
      // An empty list clears upstream; the fork's server ignores it.
      else if (kind === 'binary') deps.flags.clearRemoteFlags(remote);
      stream.destroy();
      return;
    case 'tun':
      counters.badHeaders++;
      logger.error('TUN stream %d from %s refused: this server has no TUN mode', sid, remoteText);
      stream.destroy();
      return;
    case 'tcp':
    case 'udp': {
      const tcp = m.type === 'tcp';
      const what = tcp ? 'TCP' : 'UDP';
      if (tcp) counters.tcp++;
      else counters.udp++;
      const target = m.host.includes(':') ? `[${m.host}]:${m.port}` : `${m.host}:${m.port}`;
      logger.info('accepted %s stream %d: %s -> %s', what, sid, remoteText, target);
      const relay = tcp ? relayTcp : relayUdp;
      const outcome = await relay(stream, { host: m.host, port: m.port }, deps.dialer, { signal: deps.signal });
      if (outcome.error instanceof TargetDeniedError) {
        counters.denied++;
        deps.denials.warn('denied %s stream %d: %s -> %s: %v', what, sid, remoteText, target, outcome.error);
        return;
      }
      if (!outcome.connected) {
        counters.dialFailures++;
        logger.error('failed to establish %s connection to %s for stream %d: %v', what, target, sid, outcome.error);
        return;
      }
      if (outcome.error) {
        counters.relayErrors++;
        logger.error('%s stream %d failed for %s -> %s: %v', what, sid, remoteText, target, outcome.error);
      }
      logger.debug('closed %s connection %s for stream %d', what, target, sid);
      return;
    }
    default:
      counters.badHeaders++;
      logger.error('unknown protocol type %d on stream %d', 2, sid);
      stream.destroy();
  }
}
