/**
 * PacketConn over a node:dgram socket, so KCP sessions run over plain UDP
 * without pcap or root.
 */
import { createSocket, type Socket, type SocketType } from 'node:dgram';
import { lookup as dnsLookup, type LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';
import type { DatagramHandler, Endpoint, PacketConn } from '@paqet/wire';
import { ByteSlab } from './byte-slab.js';

export interface UdpBindOptions {
  /** Local port; 0 (default) picks a free one. */
  port?: number;
  /** Local address; default 0.0.0.0 (udp4) or :: (udp6). */
  host?: string;
  /** 'udp4' (default) or 'udp6'. */
  type?: SocketType;
  /** Socket buffer sizes to request (default 4 MiB each; the kernel may cap them). */
  recvBufferSize?: number;
  sendBufferSize?: number;
  /**
   * Connect the socket to this peer (a dialer's only peer): the kernel skips
   * the per-datagram route lookup (~10% of a send) and drops datagrams from
   * anyone else. Sends to other endpoints then fail (counted in sendErrors).
   */
  connect?: Endpoint;
}

export interface UdpCounters {
  sent: number;
  received: number;
  sendErrors: number;
  socketErrors: number;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;

/**
 * dgram resolves the address of every send() through this hook; the default
 * (dns.lookup) answers even an IP literal on a later tick, which costs a
 * closure and a tick per datagram. Literals (every Endpoint we get) answer
 * synchronously, so the datagram reaches the kernel inside send().
 */
function literalFirstLookup(host: string, options: number | LookupOneOptions, callback: LookupCallback): void {
  const family = isIP(host);
  if (family !== 0) return callback(null, host, family);
  dnsLookup(host, typeof options === 'number' ? { family: options } : options, callback);
}

export class UdpPacketConn implements PacketConn {
  readonly maxDatagramSize = 65507;
  readonly counters: UdpCounters = { sent: 0, received: 0, sendErrors: 0, socketErrors: 0 };
  private handler: DatagramHandler | null = null;
  private readonly sendCopies = new ByteSlab();
  /** Set when bound with `connect`: sends to it go without an address. */
  private connectedTo: Endpoint | null = null;
  private isClosed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('message', (msg, rinfo) => {
      this.counters.received++;
      // rinfo is a fresh object per message with address/port: a valid Endpoint.
      this.handler?.(msg, rinfo);
    });
    // ICMP unreachable and similar surface here; count them, never crash.
    socket.on('error', () => {
      this.counters.socketErrors++;
    });
  }

  /** Open and bind a UDP socket. */
  static bind(options: UdpBindOptions = {}): Promise<UdpPacketConn> {
    const type = options.type ?? 'udp4';
    const socket = createSocket({ type, reuseAddr: false, lookup: literalFirstLookup });
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => {
        socket.close();
        reject(err);
      };
      socket.once('error', onError);
      socket.bind(options.port ?? 0, options.host, () => {
        socket.off('error', onError);
        for (const [set, size] of [
          [(n: number) => socket.setRecvBufferSize(n), options.recvBufferSize ?? 4 << 20],
          [(n: number) => socket.setSendBufferSize(n), options.sendBufferSize ?? 4 << 20],
        ] as const) {
          try {
            set(size);
          } catch {
            // The kernel limit (rmem_max/wmem_max) applies; smaller buffers still work.
          }
        }
        const conn = new UdpPacketConn(socket);
        const peer = options.connect;
        if (!peer) return resolve(conn);
        socket.once('error', onError);
        socket.connect(peer.port, peer.address, () => {
          socket.off('error', onError);
          conn.connectedTo = { address: peer.address, port: peer.port };
          resolve(conn);
        });
      });
    });
  }

  /** The bound local address and port. */
  get localEndpoint(): Endpoint {
    const a = this.socket.address();
    return { address: a.address, port: a.port };
  }

  get closed(): boolean {
    return this.isClosed;
  }

  send(datagram: Uint8Array, to: Endpoint): void {
    if (this.isClosed) return;
    // dgram may send asynchronously and keeps the buffer until then: copy, since
    // callers reuse theirs (PacketConn contract). Slab space is never reused.
    const copy = this.sendCopies.take(datagram.length);
    copy.set(datagram);
    try {
      // No completion callback: dgram would schedule one tick per datagram for it.
      // Synchronous failures throw (counted below); asynchronous ones reach
      // the socket's 'error' event (socketErrors). KCP retransmits either way.
      const peer = this.connectedTo;
      if (peer === null) this.socket.send(copy, to.port, to.address);
      else if (to.port === peer.port && to.address === peer.address) this.socket.send(copy);
      else throw new Error('connected socket: other destination');
      this.counters.sent++;
    } catch {
      this.counters.sendErrors++;
    }
  }

  onDatagram(handler: DatagramHandler | null): void {
    this.handler = handler;
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.handler = null;
    try {
      this.socket.close();
    } catch {
      // already closed by the runtime
    }
  }
}
