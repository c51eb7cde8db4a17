import { lookup } from 'node:dns/promises';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { formatHostPort } from '@paqet/wire';
import type { DatagramChannel, Dialer } from './dialer.js';
import { DialError, toDialError } from './errors.js';
import { DatagramChannelBase } from './udp/channel-base.js';

export interface DirectDialerOptions {
  /** Connect (TCP) / resolve (UDP) timeout; the reference server uses 8 s. */
  timeoutMs?: number;
  /** Disable Nagle on dialed TCP sockets (default true: the proxy relays already-batched writes). */
  noDelay?: boolean;
}

export const DEFAULT_DIAL_TIMEOUT_MS = 8000;

/**
 * Dials targets with plain sockets from this host, resolving names with the system
 * resolver: the paqet server's outbound side, and the dialer the package tests use.
 */
export class DirectDialer implements Dialer {
  private readonly timeoutMs: number;
  private readonly noDelay: boolean;

  constructor(options: DirectDialerOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS;
    this.noDelay = options.noDelay ?? true;
  }

  dialTcp(host: string, port: number, signal?: AbortSignal): Promise<Duplex> {
    const target = formatHostPort(host, port);
    return new Promise<Duplex>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new DialError('general', target, 'aborted'));
        return;
      }
      // An empty host means this machine, as Go's dialer treats ":port".
      const socket: Socket = connect({ host: host === '' ? 'localhost' : host, port, allowHalfOpen: true });
      const fail = (error: DialError): void => {
        cleanup();
        socket.destroy();
        reject(error);
      };
      const onError = (error: Error): void => fail(toDialError(error, target));
      const onAbort = (): void => fail(new DialError('general', target, 'aborted'));
      const timer = setTimeout(() => fail(new DialError('timeout', target, `no connection within ${this.timeoutMs} ms`)), this.timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        socket.off('error', onError);
        signal?.removeEventListener('abort', onAbort);
      };
      socket.once('error', onError);
      signal?.addEventListener('abort', onAbort, { once: true });
      socket.once('connect', () => {
        cleanup();
        socket.setNoDelay(this.noDelay);
        resolve(socket);
      });
    });
  }

  async dialUdp(host: string, port: number, signal?: AbortSignal): Promise<DatagramChannel> {
    const target = formatHostPort(host, port);
    let address = host === '' ? 'localhost' : host;
    let family = isIP(address);
    try {
      if (family === 0) {
        const resolved = await withTimeout(lookup(address), this.timeoutMs, target);
        address = resolved.address;
        family = resolved.family;
      }
      if (signal?.aborted) throw new DialError('general', target, 'aborted');
      const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
      await new Promise<void>((resolve, reject) => {
        socket.once('error', (error) => {
          socket.close();
          reject(error);
        });
        // A connected socket receives only from the exact target, as the reference server's does.
        socket.connect(port, address, () => {
          socket.removeAllListeners('error');
          resolve();
        });
      });
      return new UdpSocketChannel(socket);
    } catch (error) {
      throw toDialError(error, target);
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, target: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DialError('timeout', target, `not resolved within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A DatagramChannel over a connected node:dgram socket. */
export class UdpSocketChannel extends DatagramChannelBase {
  constructor(private readonly socket: UdpSocket) {
    super();
    socket.on('message', this.deliver);
    // ICMP port-unreachable surfaces here as ECONNREFUSED; it ends the channel like the reference relay.
    socket.on('error', (error) => this.finish(error));
  }

  send(datagram: Uint8Array): boolean {
    if (this.closed) return false;
    this.socket.send(datagram, (error) => {
      if (error) this.finish(error);
    });
    return true;
  }

  protected release(): void {
    try {
      this.socket.close();
    } catch {
      // already closed by the runtime
    }
  }
}
