/**
 * Virtual-time WAN simulation of one KCP session pair (no CPU in the result, so it is
 * stable on a busy machine): a bottleneck of RATE MB/s with a tail-drop queue, a one-way
 * delay, and seeded i.i.d. loss per datagram in each direction. The server sends BYTES to
 * the client (a download) with paqet's role defaults unless windows are given, mode fast.
 * Prints MB/s of simulated time and the sender's retransmissions.
 *   sh bench/wan-sim.sh [RTT_MS=50] [RATE=51] [MB=60] [QUEUE=3000]
 */
import { VirtualClock } from '@paqet/testkit';
import { KcpSession, createDatagramCipher, deriveKey } from '@paqet/kcp';
import type { DatagramHandler, Endpoint, PacketConn } from '@paqet/wire';

class Rng {
  constructor(private s: number) {}
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** One direction: serialisation at `rate` bytes/ms behind a queue of `queue` datagrams, then `delay`. */
class Pipe {
  private readonly q: { at: number; data: Uint8Array }[] = [];
  private head = 0;
  private busyUntil = 0;
  private timer: unknown = null;
  private inQueue: number[] = [];
  dropped = 0;
  lost = 0;
  constructor(
    private readonly clock: VirtualClock,
    private readonly rate: number,
    private readonly delay: number,
    private readonly loss: number,
    private readonly queue: number,
    private readonly rng: Rng,
    private readonly sink: () => DatagramHandler | null,
    private readonly from: Endpoint,
  ) {}
  send(d: Uint8Array): void {
    const now = this.clock.now();
    while (this.inQueue.length > 0 && this.inQueue[0] <= now) this.inQueue.shift();
    if (this.inQueue.length >= this.queue) return void this.dropped++;
    if (this.loss > 0 && this.rng.next() < this.loss) return void this.lost++;
    const depart = Math.max(now, this.busyUntil) + d.length / this.rate;
    this.busyUntil = depart;
    this.inQueue.push(depart);
    this.q.push({ at: depart + this.delay, data: d.slice() });
    if (this.timer === null) this.arm();
  }
  private arm(): void {
    const next = this.q[this.head];
    this.timer = this.clock.setTimeout(this.fire, Math.max(0, next.at - this.clock.now()));
  }
  private readonly fire = () => {
    this.timer = null;
    const now = this.clock.now();
    while (this.head < this.q.length && this.q[this.head].at <= now) {
      const { data } = this.q[this.head++];
      this.sink()?.(data, this.from);
    }
    if (this.head > 4096) {
      this.q.splice(0, this.head);
      this.head = 0;
    }
    if (this.head < this.q.length) this.arm();
  };
}

class SimConn implements PacketConn {
  handler: DatagramHandler | null = null;
  closed = false;
  maxDatagramSize = 1500;
  out!: Pipe;
  send(d: Uint8Array): void {
    this.out.send(d);
  }
  onDatagram(h: DatagramHandler | null): void {
    this.handler = h;
  }
  close(): void {
    this.closed = true;
  }
}

export interface SimOptions {
  rttMs: number;
  rateMBps: number;
  loss: number;
  bytes: number;
  queue: number;
  seed?: number;
  client?: { sndwnd?: number; rcvwnd?: number };
  server?: { sndwnd?: number; rcvwnd?: number };
}

export async function simulate(o: SimOptions): Promise<{ mbps: number; retrans: unknown; queueDrops: number }> {
  const clock = new VirtualClock();
  const rng = new Rng(o.seed ?? 7);
  const a = new SimConn();
  const b = new SimConn();
  const aEp = { address: '10.0.0.1', port: 1 };
  const bEp = { address: '10.0.0.2', port: 2 };
  const rate = (o.rateMBps * 1e6) / 1000;
  a.out = new Pipe(clock, rate, o.rttMs / 2, o.loss, o.queue, rng, () => b.handler, aEp);
  b.out = new Pipe(clock, rate, o.rttMs / 2, o.loss, o.queue, rng, () => a.handler, bEp);
  const key = deriveKey('sim');
  const mk = () => createDatagramCipher('null', key);
  const client = KcpSession.dialConn({ conn: a, remote: bEp, cipher: mk(), clock, conv: 42, mode: 'fast', sndwnd: 128, rcvwnd: 512, ...o.client });
  const server = KcpSession.dialConn({ conn: b, remote: aEp, cipher: mk(), clock, conv: 42, mode: 'fast', sndwnd: 1024, rcvwnd: 1024, ...o.server });
  let got = 0;
  client.onData((d) => (got += d.length));
  const chunk = new Uint8Array(64 * 1024);
  let sent = 0;
  const pump = () => {
    while (sent < o.bytes) {
      sent += chunk.length;
      if (!server.write(chunk)) return;
    }
  };
  server.on('drain', pump);
  client.write(new Uint8Array([1])); // the request
  const t0 = clock.now();
  pump();
  await clock.runUntil(() => got >= o.bytes, 600_000);
  const secs = (clock.now() - t0) / 1000;
  const result = { mbps: got / 1e6 / secs, retrans: server.stats().retransmissions, queueDrops: a.out.dropped + b.out.dropped };
  client.close();
  server.close();
  return result;
}

if (process.argv[1]?.endsWith("wan-sim.mjs")) {
  const rtt = Number(process.env.RTT_MS ?? 50);
  const rateMBps = Number(process.env.RATE ?? 51);
  const bytes = Number(process.env.MB ?? 60) * 1e6;
  const queue = Number(process.env.QUEUE ?? 3000);
  for (const loss of (process.env.LOSS ?? '0,0.01,0.05').split(',').map(Number)) {
    const t = performance.now();
    const r = await simulate({ rttMs: rtt, rateMBps, loss, bytes, queue });
    console.log(
      `rtt ${rtt} ms, ${rateMBps} MB/s link, queue ${queue}, loss ${loss * 100}%: ${r.mbps.toFixed(2)} MB/s ` +
        `(retransmissions ${JSON.stringify(r.retrans)}, queue drops ${r.queueDrops}; ${((performance.now() - t) / 1000).toFixed(1)} s real)`,
    );
  }
  process.exit(0);
}
