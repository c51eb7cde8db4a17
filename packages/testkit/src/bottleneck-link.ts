/**
 * A WAN path for virtual-time tests and simulations: each direction serialises datagrams
 * at a fixed rate behind a tail-drop queue, then delays them, with seeded i.i.d. loss.
 * Constant delay keeps each direction FIFO, so one timer per direction is enough (cheap
 * with thousands of datagrams in flight).
 */
import type { DatagramHandler, Endpoint, PacketConn } from '@paqet/wire';
import { SeededRandom, type LinkScheduler } from './memory-link.js';

export interface BottleneckOptions {
  /** Bottleneck rate, MB/s (10^6 bytes per second). */
  rateMBps: number;
  /** Round-trip time added by the two directions' delays, ms. */
  rttMs: number;
  /** Loss probability per datagram in each direction, 0..1. */
  loss?: number;
  /** Datagrams the bottleneck queue holds before it drops (default 3000). */
  queue?: number;
  seed?: number;
  scheduler: LinkScheduler;
}

export interface BottleneckStats {
  sent: number;
  lost: number;
  queueDrops: number;
}

class Direction {
  readonly stats: BottleneckStats = { sent: 0, lost: 0, queueDrops: 0 };
  private readonly arrivals: { at: number; data: Uint8Array }[] = [];
  private head = 0;
  private readonly departures: number[] = [];
  private departHead = 0;
  private busyUntil = 0;
  private timer: unknown = null;
  constructor(
    private readonly o: Required<Omit<BottleneckOptions, 'seed'>>,
    private readonly random: SeededRandom,
    private readonly deliver: (d: Uint8Array) => void,
  ) {}
  send(d: Uint8Array): void {
    const now = this.o.scheduler.now();
    this.stats.sent++;
    while (this.departHead < this.departures.length && this.departures[this.departHead] <= now) this.departHead++;
    if (this.departures.length - this.departHead >= this.o.queue) return void this.stats.queueDrops++;
    if (this.o.loss > 0 && this.random.next() < this.o.loss) return void this.stats.lost++;
    const depart = Math.max(now, this.busyUntil) + d.length / ((this.o.rateMBps * 1e6) / 1000);
    this.busyUntil = depart;
    this.departures.push(depart);
    if (this.departHead > 4096) {
      this.departures.splice(0, this.departHead);
      this.departHead = 0;
    }
    this.arrivals.push({ at: depart + this.o.rttMs / 2, data: d.slice() });
    if (this.timer === null) this.arm();
  }
  private arm(): void {
    this.timer = this.o.scheduler.setTimeout(this.fire, Math.max(0, this.arrivals[this.head].at - this.o.scheduler.now()));
  }
  private readonly fire = () => {
    this.timer = null;
    const now = this.o.scheduler.now();
    while (this.head < this.arrivals.length && this.arrivals[this.head].at <= now) this.deliver(this.arrivals[this.head++].data);
    if (this.head > 4096) {
      this.arrivals.splice(0, this.head);
      this.head = 0;
    }
    if (this.head < this.arrivals.length) this.arm();
  };
}

class BottleneckConn implements PacketConn {
  handler: DatagramHandler | null = null;
  private isClosed = false;
  readonly maxDatagramSize = 1500;
  out!: Direction;
  get closed(): boolean {
    return this.isClosed;
  }
  send(d: Uint8Array): void {
    if (!this.isClosed) this.out.send(d);
  }
  onDatagram(h: DatagramHandler | null): void {
    this.handler = h;
  }
  close(): void {
    this.isClosed = true;
    this.handler = null;
  }
}

export interface BottleneckLinkPair {
  a: PacketConn;
  b: PacketConn;
  aEndpoint: Endpoint;
  bEndpoint: Endpoint;
  /** Per direction: a -> b and b -> a. */
  stats: { ab: BottleneckStats; ba: BottleneckStats };
}

export function createBottleneckLinkPair(options: BottleneckOptions): BottleneckLinkPair {
  const o = { loss: 0, queue: 3000, ...options };
  const random = new SeededRandom(options.seed ?? 7);
  const aEndpoint = { address: '10.0.0.1', port: 40000 };
  const bEndpoint = { address: '10.0.0.2', port: 9999 };
  const a = new BottleneckConn();
  const b = new BottleneckConn();
  a.out = new Direction(o, random, (d) => b.handler?.(d, aEndpoint));
  b.out = new Direction(o, random, (d) => a.handler?.(d, bEndpoint));
  return { a, b, aEndpoint, bEndpoint, stats: { ab: a.out.stats, ba: b.out.stats } };
}
