/**
 * Stream opening for every request (docs/protocol/stream-header.md, section 4): one setup at a
 * time, round robin over the connections, a background TCPF stream and an
 * empty probe stream before the data stream, and a lazy reconnect (new
 * PacketConn, KCP conversation and smux session) when the probe fails.
 */
import type { SmuxStream } from '@paqet/kcp';
import type { ResolvedConfig } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import { ClientConnection } from './connection.js';

export interface OpenerCounters {
  streamsOpened: number;
  reconnects: number;
  reconnectFailures: number;
}

export class StreamOpener {
  readonly connections: ClientConnection[] = [];
  readonly counters: OpenerCounters = { streamsOpened: 0, reconnects: 0, reconnectFailures: 0 };
  private next = 0;
  /** The process-wide setup lock, as a promise chain. */
  private lock: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly config: ResolvedConfig,
    private readonly logger: Logger,
  ) {}

  /** docs/protocol/stream-header.md, section 4: sequentially, each with its synchronous TCPF. Local failures throw. */
  start(): void {
    for (let i = 0; i < this.config.transport.conn; i++) this.connections.push(new ClientConnection(this.config));
  }

  async open(signal?: AbortSignal): Promise<SmuxStream> {
    for (;;) {
      if (this.closed || signal?.aborted) throw new Error('client is shutting down');
      const conn = await this.withLock(() => this.pickLiveConnection());
      if (!conn) {
        // Reconnect failed. The reference retries at once; a 50 ms pause keeps a
        // persistent local failure (pcap gone) from spinning a core.
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      try {
        const stream = conn.openStream();
        this.counters.streamsOpened++;
        return stream;
      } catch (err) {
        this.logger.debug('failed to open stream, retrying: %v', err);
        await new Promise((r) => setImmediate(r));
      }
    }
  }

  close(): void {
    this.closed = true;
    for (const c of this.connections) c.close();
  }

  private async withLock<T>(fn: () => T): Promise<T> {
    const previous = this.lock;
    let release!: () => void;
    this.lock = new Promise((r) => (release = r));
    await previous;
    try {
      return fn();
    } finally {
      release();
    }
  }

  private pickLiveConnection(): ClientConnection | null {
    const index = this.next;
    this.next = (this.next + 1) % this.connections.length;
    let conn = this.connections[index]!;
    try {
      conn.sendFlags();
    } catch {
      // the probe below says what happened
    }
    try {
      conn.probe();
      return conn;
    } catch {
      this.logger.info('connection lost, retrying....');
    }
    conn.close();
    try {
      conn = new ClientConnection(this.config);
    } catch (err) {
      this.counters.reconnectFailures++;
      this.logger.debug('failed to open conn, retrying: %v', err);
      return null;
    }
    this.connections[index] = conn;
    this.counters.reconnects++;
    return conn;
  }
}
