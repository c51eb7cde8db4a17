import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { TargetAddress } from './address.js';
import type { ProxyStats } from './stats.js';

/**
 * A TCP listener that counts and tracks its connections, enforces the connection limit at
 * accept, and destroys every tracked socket on close. Sockets arrive paused and allow
 * half-open, so their owner decides when to read and how to end.
 */
export class TrackedTcpListener {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    maxConnections: number,
    stats: ProxyStats,
    onConnection: (socket: Socket) => void,
  ) {
    this.server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => {
      this.sockets.add(socket);
      stats.activeConnections++;
      stats.totalConnections++;
      socket.once('close', () => {
        this.sockets.delete(socket);
        stats.activeConnections--;
      });
      onConnection(socket);
    });
    if (maxConnections > 0) this.server.maxConnections = maxConnections;
    this.server.on('drop', () => {
      stats.rejectedConnections++;
    });
    // Accept errors (EMFILE…) must not end the process; the loop goes on.
    this.server.on('error', () => {});
  }

  listen(address: TargetAddress): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.server.once('error', onError);
      this.server.listen(address.port, address.host === '' ? undefined : address.host, () => {
        this.server.off('error', onError);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  address(): AddressInfo | null {
    return (this.server.address() as AddressInfo | null) ?? null;
  }

  /** Connections open right now on this listener. */
  get connectionCount(): number {
    return this.sockets.size;
  }

  /** Stops accepting and destroys every open connection. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) {
        for (const socket of this.sockets) socket.destroy();
        resolve();
        return;
      }
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }
}
