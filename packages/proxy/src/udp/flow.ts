import type { DatagramChannel } from '../dialer.js';
import type { ProxyStats } from '../stats.js';

export interface UdpFlowEvents {
  /** A datagram from the destination. */
  onDatagram(datagram: Uint8Array): void;
  /** The flow ended (idle, channel closed, dial failed, or close()). Called once. */
  onEnd(error?: Error): void;
}

/**
 * One client-side UDP flow (a SOCKS association's destination, or a forward's source):
 * its datagram channel, a bounded queue for datagrams that arrive while the channel is
 * being opened (tail drop), and its last-use time for idle expiry.
 */
export class UdpFlow {
  lastUsed = Date.now();
  private channel: DatagramChannel | null = null;
  private pending: Uint8Array[] | null = [];
  private ended = false;
  private readonly dialAbort = new AbortController();

  constructor(
    private readonly queueLength: number,
    private readonly stats: ProxyStats,
    private readonly events: UdpFlowEvents,
  ) {}

  get closed(): boolean {
    return this.ended;
  }

  /** Opens the channel; queued datagrams are sent once it is ready. Never rejects. */
  async open(dial: (signal: AbortSignal) => Promise<DatagramChannel>): Promise<Error | undefined> {
    let channel: DatagramChannel;
    try {
      channel = await dial(this.dialAbort.signal);
    } catch (error) {
      if (this.ended) return undefined; // closed while dialing: the abort is not a failure
      this.end(error as Error);
      return error as Error;
    }
    if (this.ended) {
      channel.close();
      return undefined;
    }
    this.channel = channel;
    this.stats.activeUdpFlows++;
    channel.onMessage((datagram) => {
      this.lastUsed = Date.now();
      this.stats.datagramsDown++;
      this.events.onDatagram(datagram);
    });
    channel.onClose((error) => this.end(error));
    const queued = this.pending ?? [];
    this.pending = null;
    for (const datagram of queued) this.send(datagram);
    return undefined;
  }

  /** Sends (or queues) one datagram; false when it was dropped. */
  send(datagram: Uint8Array): boolean {
    if (this.ended) return false;
    this.lastUsed = Date.now();
    if (this.channel) {
      if (this.channel.send(datagram)) {
        this.stats.datagramsUp++;
        return true;
      }
    } else if (this.pending && this.pending.length < this.queueLength) {
      this.pending.push(datagram);
      return true;
    }
    this.stats.datagramsDropped++;
    return false;
  }

  close(): void {
    this.end();
  }

  private end(error?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.pending = null;
    this.dialAbort.abort();
    if (this.channel) {
      this.stats.activeUdpFlows--;
      this.channel.close();
    }
    this.events.onEnd(error);
  }
}

/** Flows by key with idle expiry: a sweep closes flows unused for `idleMs` (reference: 60 s, swept every 1 s). */
export class UdpFlowTable {
  private readonly flows = new Map<string, UdpFlow>();
  private readonly sweeper: NodeJS.Timeout | null;

  constructor(private readonly idleMs: number) {
    if (idleMs > 0) {
      this.sweeper = setInterval(() => this.sweep(), Math.min(1000, Math.max(10, idleMs / 4)));
      this.sweeper.unref();
    } else {
      this.sweeper = null;
    }
  }

  get size(): number {
    return this.flows.size;
  }

  get(key: string): UdpFlow | undefined {
    return this.flows.get(key);
  }

  set(key: string, flow: UdpFlow): void {
    this.flows.set(key, flow);
  }

  /** Removes the entry only if it still refers to `flow`. */
  delete(key: string, flow: UdpFlow): void {
    if (this.flows.get(key) === flow) this.flows.delete(key);
  }

  sweep(now = Date.now()): void {
    for (const flow of this.flows.values()) {
      if (now - flow.lastUsed >= this.idleMs) flow.close();
    }
  }

  /** Closes every flow and stops the sweeper. */
  close(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    for (const flow of [...this.flows.values()]) flow.close();
    this.flows.clear();
  }
}
