/**
 * An in-memory datagram network: PacketConns bound to made-up endpoints that
 * deliver to each other with seeded loss, reordering, duplication and delay.
 * Deterministic for a given seed and scheduler, so lossy-link tests reproduce.
 */
import type { DatagramHandler, Endpoint, PacketConn } from '@paqet/wire';
import { endpointKey } from '@paqet/wire';

/** Small, fast, seedable PRNG (mulberry32). */
export class SeededRandom {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** Fill with pseudo-random bytes. */
  fill(buf: Uint8Array): Uint8Array {
    for (let i = 0; i < buf.length; i++) buf[i] = (this.next() * 256) | 0;
    return buf;
  }
}

/** Where time comes from: real timers by default, a VirtualClock in fast tests. */
export interface LinkScheduler {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realScheduler: LinkScheduler = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => (ms <= 0 ? setImmediate(fn) : setTimeout(fn, ms)),
  clearTimeout: (h) => {
    clearTimeout(h as NodeJS.Timeout);
    clearImmediate(h as NodeJS.Immediate);
  },
};

/**
 * Discrete-event virtual time. Timers fire in time order; between firings the
 * real event loop is given a turn (setImmediate), so Node streams and promises
 * make progress as if time passed. `runUntil` stops when the predicate holds.
 */
export class VirtualClock implements LinkScheduler {
  private t = 0;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; seq: number; fn: () => void }>();
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): number {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), seq: id, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  get pending(): number {
    return this.timers.size;
  }
  /** Fire the earliest timer (advancing time to it). False when none are left. */
  step(): boolean {
    let best: { id: number; at: number; seq: number; fn: () => void } | undefined;
    for (const [id, tm] of this.timers) {
      if (!best || tm.at < best.at || (tm.at === best.at && tm.seq < best.seq)) best = { id, ...tm };
    }
    if (!best) return false;
    this.timers.delete(best.id);
    if (best.at > this.t) this.t = best.at;
    best.fn();
    return true;
  }
  /**
   * Run timers until `done()` is true or virtual time passes `limitMs` from now.
   * Fires every timer due at the same instant before yielding to the real loop.
   */
  async runUntil(done: () => boolean, limitMs = 600_000): Promise<boolean> {
    const end = this.t + limitMs;
    const yieldReal = () => new Promise<void>((r) => setImmediate(r));
    await yieldReal();
    while (!done()) {
      let nextAt = Infinity;
      for (const tm of this.timers.values()) if (tm.at < nextAt) nextAt = tm.at;
      if (nextAt === Infinity || nextAt > end) {
        await yieldReal();
        if (done()) return true;
        if (this.timers.size === 0 || nextAt > end) return false;
        continue;
      }
      // Fire everything due at nextAt (including timers they schedule for "now").
      this.t = Math.max(this.t, nextAt);
      for (let guard = 0; guard < 100_000; guard++) {
        let due: number | undefined;
        let dueSeq = Infinity;
        for (const [id, tm] of this.timers) if (tm.at <= this.t && tm.seq < dueSeq) ((due = id), (dueSeq = tm.seq));
        if (due === undefined) break;
        const tm = this.timers.get(due)!;
        this.timers.delete(due);
        tm.fn();
      }
      await yieldReal();
    }
    return true;
  }
  /** Advance virtual time by `ms`, firing what falls due. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    await this.runUntil(() => false, ms);
    this.t = Math.max(this.t, target);
  }
}

export interface LinkConditions {
  /** Probability a datagram is dropped, 0..1. */
  loss?: number;
  /** Probability a datagram is held back by an extra random delay, so later ones overtake it. */
  reorder?: number;
  /** Probability a datagram is delivered twice. */
  duplicate?: number;
  /** One-way delay in ms. */
  delayMs?: number;
  /** Extra uniform random delay in [0, jitterMs) on every datagram. */
  jitterMs?: number;
  /** Largest datagram; bigger ones are dropped (counted as oversize). */
  mtu?: number;
}

export interface MemoryNetworkOptions {
  seed?: number;
  conditions?: LinkConditions;
  scheduler?: LinkScheduler;
}

export interface MemoryNetworkStats {
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  reordered: number;
  oversize: number;
  unroutable: number;
}

/** A PacketConn attached to a MemoryNetwork at one endpoint. */
export class MemoryPacketConn implements PacketConn {
  private handler: DatagramHandler | null = null;
  private isClosed = false;
  readonly maxDatagramSize: number;
  constructor(
    private readonly network: MemoryNetwork,
    readonly localEndpoint: Endpoint,
  ) {
    this.maxDatagramSize = network.conditions.mtu ?? 65507;
  }
  get closed(): boolean {
    return this.isClosed;
  }
  send(datagram: Uint8Array, to: Endpoint): void {
    if (this.isClosed) return;
    this.network.transmit(this.localEndpoint, datagram, to);
  }
  onDatagram(handler: DatagramHandler | null): void {
    this.handler = handler;
  }
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.handler = null;
    this.network.unbind(this);
  }
  /** @internal called by the network */
  deliver(datagram: Uint8Array, from: Endpoint): boolean {
    if (this.isClosed || !this.handler) return false;
    this.handler(datagram, from);
    return true;
  }
}

export class MemoryNetwork {
  readonly conditions: LinkConditions;
  readonly scheduler: LinkScheduler;
  readonly stats: MemoryNetworkStats = { sent: 0, delivered: 0, lost: 0, duplicated: 0, reordered: 0, oversize: 0, unroutable: 0 };
  private readonly random: SeededRandom;
  private readonly conns = new Map<string, MemoryPacketConn>();
  private nextPort = 40000;

  constructor(options: MemoryNetworkOptions = {}) {
    this.random = new SeededRandom(options.seed ?? 1);
    this.conditions = { ...options.conditions };
    this.scheduler = options.scheduler ?? realScheduler;
  }

  /** Attach a PacketConn at `endpoint` (default 10.0.0.1 with a fresh port). */
  bind(endpoint?: Partial<Endpoint>): MemoryPacketConn {
    const ep: Endpoint = { address: endpoint?.address ?? '10.0.0.1', port: endpoint?.port ?? this.nextPort++ };
    const key = endpointKey(ep);
    if (this.conns.has(key)) throw new Error(`memory endpoint ${key} already bound`);
    const conn = new MemoryPacketConn(this, ep);
    this.conns.set(key, conn);
    return conn;
  }

  /** Change conditions on the fly (e.g. cut the link to silence a peer). */
  setConditions(conditions: LinkConditions): void {
    Object.assign(this.conditions, conditions);
  }

  /** @internal */
  unbind(conn: MemoryPacketConn): void {
    const key = endpointKey(conn.localEndpoint);
    if (this.conns.get(key) === conn) this.conns.delete(key);
  }

  /** @internal */
  transmit(from: Endpoint, datagram: Uint8Array, to: Endpoint): void {
    const c = this.conditions;
    this.stats.sent++;
    if (c.mtu !== undefined && datagram.length > c.mtu) {
      this.stats.oversize++;
      return;
    }
    if (c.loss && this.random.next() < c.loss) {
      this.stats.lost++;
      return;
    }
    // The sender may reuse its buffer after send returns: copy now.
    const copy = datagram.slice();
    const fromCopy: Endpoint = { address: from.address, port: from.port };
    const toKey = endpointKey(to);
    let copies = 1;
    if (c.duplicate && this.random.next() < c.duplicate) {
      copies = 2;
      this.stats.duplicated++;
    }
    for (let i = 0; i < copies; i++) {
      let delay = c.delayMs ?? 0;
      if (c.jitterMs) delay += this.random.next() * c.jitterMs;
      if (c.reorder && this.random.next() < c.reorder) {
        delay += 1 + this.random.next() * Math.max(5, (c.delayMs ?? 0) / 2);
        this.stats.reordered++;
      }
      this.scheduler.setTimeout(() => {
        const conn = this.conns.get(toKey);
        if (conn && conn.deliver(copy, fromCopy)) this.stats.delivered++;
        else this.stats.unroutable++;
      }, delay);
    }
  }
}

export interface MemoryLinkPair {
  a: MemoryPacketConn;
  b: MemoryPacketConn;
  aEndpoint: Endpoint;
  bEndpoint: Endpoint;
  network: MemoryNetwork;
}

/** Two PacketConns on one fresh network: a at 10.0.0.1:40000, b at 10.0.0.2:9999. */
export function createMemoryLinkPair(options: MemoryNetworkOptions = {}): MemoryLinkPair {
  const network = new MemoryNetwork(options);
  const a = network.bind({ address: '10.0.0.1', port: 40000 });
  const b = network.bind({ address: '10.0.0.2', port: 9999 });
  return { a, b, aEndpoint: a.localEndpoint, bEndpoint: b.localEndpoint, network };
}
