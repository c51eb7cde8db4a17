/**
 * The server's inbound path, in-process and without pcap: captured frames go through
 * @paqet/wire's InboundDecoder (as PcapPacketConn.onFrame does), the datagrams into a real
 * KcpServer (cipher, FEC, KCP), each session into a real smux server session, and each
 * stream into the daemon's own handleStream (header, PING, TCPF, relays). Only the edges are
 * replaced: frames are handed in with feed(), what the server sends back is counted, and
 * targets are never dialed (the dialer records the target and refuses).
 */
import type { Duplex } from 'node:stream';
import { SmuxSession, createServer, type BlockName, type KcpServer, type KcpSession } from '@paqet/kcp';
import { DialError, type DatagramChannel, type Dialer } from '@paqet/proxy';
import { InboundDecoder, endpointKey, type DatagramHandler, type Endpoint, type InboundDropReason, type PacketConn } from '@paqet/wire';
import { handleStream, type RemoteFlagTable, type ServerCounters } from '../../src/daemon/stream-handler.js';
import { Logger } from '../../src/log/logger.js';
import { RateLimitedLog } from '../../src/log/rate-limit.js';

/** A PacketConn whose inbound side is frames fed by the test; it keeps the TCPF flag table too. */
class FrameFedConn implements PacketConn, RemoteFlagTable {
  readonly decoderDrops = new Map<InboundDropReason, number>();
  readonly flagLists = new Map<string, readonly number[]>();
  sent = 0;
  private readonly decoder = new InboundDecoder();
  private handler: DatagramHandler | null = null;
  private isClosed = false;

  constructor(private readonly port: number) {}

  get closed(): boolean {
    return this.isClosed;
  }

  feed(frame: Uint8Array): void {
    const r = this.decoder.decode(frame, this.port);
    if (r.dropReason !== null) {
      this.decoderDrops.set(r.dropReason, (this.decoderDrops.get(r.dropReason) ?? 0) + 1);
      return;
    }
    this.handler?.(frame.subarray(r.payloadOffset, r.payloadOffset + r.payloadLength), r.source!);
  }

  send(_datagram: Uint8Array, _to: Endpoint): void {
    this.sent++;
  }

  onDatagram(handler: DatagramHandler | null): void {
    this.handler = handler;
  }

  setRemoteFlags(remote: Endpoint, flags: readonly number[]): void {
    this.flagLists.set(`${remote.address}:${remote.port}`, flags);
  }

  clearRemoteFlags(remote: Endpoint): void {
    this.flagLists.delete(`${remote.address}:${remote.port}`);
  }

  close(): void {
    this.isClosed = true;
    this.handler = null;
  }
}

/** Records what the server would dial, and refuses. */
class RecordingDialer implements Dialer {
  readonly targets: string[] = [];
  dialTcp(host: string, port: number): Promise<Duplex> {
    this.targets.push(`tcp ${host}:${port}`);
    return Promise.reject(new DialError('refused', `${host}:${port}`, 'not dialed by the fuzzer'));
  }
  dialUdp(host: string, port: number): Promise<DatagramChannel> {
    this.targets.push(`udp ${host}:${port}`);
    return Promise.reject(new DialError('refused', `${host}:${port}`, 'not dialed by the fuzzer'));
  }
}

export interface InboundServerOptions {
  block: BlockName;
  key: Uint8Array;
  port: number;
  dshard?: number;
  pshard?: number;
}

export class InboundServer {
  readonly conn: FrameFedConn;
  readonly listener: KcpServer;
  readonly dialer = new RecordingDialer();
  readonly counters: ServerCounters = {
    sessions: 0, streams: 0, pings: 0, tcpf: 0, tcp: 0, udp: 0, emptyStreams: 0, badHeaders: 0, gobHeaders: 0, dialFailures: 0, denied: 0, relayErrors: 0, rejected: 0,
  };
  smuxProtocolErrors = 0;
  private readonly live = new Set<KcpSession>();
  private readonly shutdown = new AbortController();
  private pendingStreams = 0;

  constructor(o: InboundServerOptions) {
    this.conn = new FrameFedConn(o.port);
    this.listener = createServer({ block: o.block, key: o.key, mode: 'fast', mtu: 1350, sndwnd: 1024, rcvwnd: 1024, dshard: o.dshard, pshard: o.pshard }).listen({ conn: this.conn });
    const logger = new Logger('none', { write: () => {} });
    const deps = { logger, dialer: this.dialer, signal: this.shutdown.signal, counters: this.counters, flags: this.conn, denials: new RateLimitedLog(logger, 'denied streams') };
    this.listener.on('session', (kcp: KcpSession) => {
      this.counters.sessions++;
      this.live.add(kcp);
      kcp.once('close', () => this.live.delete(kcp));
      const remote = { address: kcp.remoteAddress!, port: kcp.remotePort! };
      const mux = SmuxSession.server(kcp);
      mux.on('protocolError', () => this.smuxProtocolErrors++);
      mux.on('stream', (stream) => {
        this.pendingStreams++;
        void handleStream(stream, remote, endpointKey(remote), deps).finally(() => this.pendingStreams--);
      });
    });
  }

  feed(frame: Uint8Array): void {
    this.conn.feed(frame);
  }

  get sessions(): number {
    return this.live.size;
  }

  /** Lets the event loop deliver what was fed (stream data events are asynchronous). */
  async settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  }

  /** Closes every session of this round; their streams' handling must end with them. */
  async closeSessions(): Promise<void> {
    for (const s of [...this.live]) s.destroy();
    await this.settle();
  }

  /** Streams whose handling has not finished. */
  get unfinishedStreams(): number {
    return this.pendingStreams;
  }

  close(): void {
    this.shutdown.abort();
    this.listener.close();
  }
}
