/**
 * The server's inbound path, in-process and without pcap: captured frames go through
 * @paqet/wire's InboundDecoder (as PcapPacketConn.onFrame does), the datagrams into a real
 * KcpListener (cipher, FEC, KCP), each session into a real smux server session, and each
 * stream through the daemon's own readStreamHeader. Only the capture handle is replaced:
 * frames are handed in with feed(), and what the server sends back is counted, not sent.
 */
import { KcpListener, SmuxSession, createDatagramCipher, type BlockName, type DatagramCipher, type KcpSession } from '@paqet/kcp';
import { InboundDecoder, type DatagramHandler, type Endpoint, type InboundDropReason, type PacketConn } from '@paqet/wire';
import { readStreamHeader, type HeaderResult } from '../../src/daemon/read-header.js';

/** A PacketConn whose inbound side is frames fed by the test. */
class FrameFedConn implements PacketConn {
  readonly decoderDrops = new Map<InboundDropReason, number>();
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

  close(): void {
    this.isClosed = true;
    this.handler = null;
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
  readonly listener: KcpListener;
  readonly headers: HeaderResult[] = [];
  smuxProtocolErrors = 0;
  private readonly live = new Set<KcpSession>();
  private pendingHeaders = 0;

  constructor(o: InboundServerOptions) {
    this.conn = new FrameFedConn(o.port);
    const createCipher = (): DatagramCipher => createDatagramCipher(o.block, o.key);
    this.listener = new KcpListener({ conn: this.conn, createCipher, mode: 'fast', mtu: 1350, sndwnd: 1024, rcvwnd: 1024, dshard: o.dshard, pshard: o.pshard });
    this.listener.on('session', (kcp: KcpSession) => {
      this.live.add(kcp);
      kcp.once('close', () => this.live.delete(kcp));
      const mux = SmuxSession.server(kcp);
      mux.on('protocolError', () => this.smuxProtocolErrors++);
      mux.on('stream', (stream) => {
        this.pendingHeaders++;
        stream.on('error', () => {});
        void readStreamHeader(stream).then((h) => {
          this.pendingHeaders--;
          this.headers.push(h);
          stream.destroy();
        });
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

  /** Closes every session of this round; their unfinished headers end as EOF. */
  async closeSessions(): Promise<void> {
    for (const s of [...this.live]) s.close();
    await this.settle();
  }

  get unfinishedHeaders(): number {
    return this.pendingHeaders;
  }

  close(): void {
    this.listener.close();
  }
}
