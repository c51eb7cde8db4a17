/**
 * A paqet client's life in one process, for the stop-after-reconnect stress test: open a
 * raw socket and get a datagram echoed by the peer, then "reconnect" (close it, open a new
 * one on a new port, echo again) several times while other libuv handles come and go; wait
 * until the garbage collector has collected every closed socket; stop on SIGTERM as the
 * daemon does (a stats line, close everything, let the event loop drain). Needs --expose-gc.
 *
 * Two ways of collecting, because they crash differently: `forced` calls gc() after each
 * close (from JavaScript); `allocation` never does and lets garbage collections start from
 * allocations of Uint8Array views, as the daemon's per-packet views do, which can run the
 * native finalisers while V8 has no current context.
 *
 * argv[2]: JSON { options, peer, reconnects, gc: 'forced' | 'allocation' }
 * stdout: "ready" once the closed sockets are collected; on SIGTERM "stats {...}", then
 * "handles [...]": the libuv handles left once every close has completed.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import type { Endpoint } from '@paqet/wire';
import { PcapPacketConn, type RawSocketOptions } from '@paqet/rawsock';
import { openSendHandle } from '../../src/pcap-handles.js';
import { echoThrough } from './echo.js';

interface Args {
  options: RawSocketOptions;
  peer: Endpoint;
  reconnects: number;
  gc: 'forced' | 'allocation';
}

const args = JSON.parse(process.argv[2]!) as Args;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const collect: () => void = gc;

const ECHO_TIMEOUT_MS = 10_000;
const COLLECT_TIMEOUT_MS = 30_000;
const VIEW_RING = 200_000;

/** Other handles a daemon has between reconnects: a listener, accepted and dialled sockets, a UDP socket. */
class HandleChurn {
  private readonly server: Server = createServer((s) => {
    s.on('error', () => {});
    this.accepted.push(s);
  });
  private readonly accepted: Socket[] = [];
  private dialled: Socket[] = [];
  private udp: UdpSocket[] = [];

  listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  /** Closes the previous round's sockets and opens new ones. */
  async turn(): Promise<void> {
    this.closeSockets();
    const port = (this.server.address() as { port: number }).port;
    for (let i = 0; i < 2; i++) {
      const s = connect(port, '127.0.0.1');
      s.on('error', () => {});
      this.dialled.push(s);
      await new Promise((r) => s.once('connect', r));
    }
    const u = createSocket('udp4');
    this.udp.push(u);
    await new Promise<void>((r) => u.bind(0, '127.0.0.1', r));
  }

  close(): void {
    this.closeSockets();
    this.server.close();
  }

  private closeSockets(): void {
    for (const s of [...this.dialled, ...this.accepted.splice(0)]) s.destroy();
    for (const u of this.udp) u.close();
    this.dialled = [];
    this.udp = [];
  }
}

/**
 * Uint8Array views over one buffer, many per millisecond, as the daemon's per-packet
 * garbage. A ring keeps each alive for a while so some reach the old generation and its
 * growth starts full collections (the closed sockets live there by now).
 */
function allocateViews(): () => void {
  const backing = new ArrayBuffer(65536);
  const ring: Uint8Array[] = new Array(VIEW_RING);
  let n = 0;
  const timer = setInterval(() => {
    for (let i = 0; i < 20_000; i++, n++) ring[n % VIEW_RING] = new Uint8Array(backing, n & 1023, 100);
  }, 1);
  return () => clearInterval(timer);
}

/** Resolves once every registered object was collected. */
class Collected {
  private remaining = 0;
  private done: (() => void) | null = null;
  private readonly registry = new FinalizationRegistry<void>(() => {
    if (--this.remaining === 0) this.done?.();
  });

  add(target: object): void {
    this.remaining++;
    this.registry.register(target, undefined);
  }

  all(timeoutMs: number): Promise<void> {
    if (this.remaining === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const give = setTimeout(() => reject(new Error(`${this.remaining} closed sockets not collected within ${timeoutMs} ms`)), timeoutMs);
      this.done = () => {
        clearTimeout(give);
        resolve();
      };
    });
  }
}

function failedOpen(): void {
  try {
    openSendHandle('nope0');
  } catch {
    // expected: the half-opened native handle becomes garbage
  }
}

async function main(): Promise<void> {
  const forced = args.gc === 'forced';
  const collected = new Collected();
  let conn = new PcapPacketConn(args.options);
  await echoThrough(conn, args.peer, 'echo-0', ECHO_TIMEOUT_MS);
  const churn = new HandleChurn();
  await churn.listen();
  const ports = [conn.port];
  for (let i = 1; i <= args.reconnects; i++) {
    await churn.turn();
    conn.close();
    collected.add(conn);
    failedOpen();
    if (forced) collect();
    conn = new PcapPacketConn(args.options);
    ports.push(conn.port);
    await echoThrough(conn, args.peer, `echo-${i}`, ECHO_TIMEOUT_MS);
  }
  const stopViews = allocateViews();
  const pressure = forced ? setInterval(collect, 10) : undefined;
  await collected.all(COLLECT_TIMEOUT_MS);
  process.once('SIGTERM', () => {
    stopViews();
    clearInterval(pressure);
    console.log(`stats ${JSON.stringify({ reconnects: args.reconnects, ports, counters: conn.counters })}`);
    conn.close();
    churn.close();
    if (forced) collect();
    // Close callbacks run at the end of this loop turn; a timer runs in the next one.
    setTimeout(() => {
      const libuv = (process.report.getReport() as unknown as { libuv: { type: string; is_active: boolean }[] }).libuv;
      console.log(`handles ${JSON.stringify(libuv.map((h) => ({ type: h.type, active: h.is_active })))}`);
    }, 20);
  });
  console.log('ready');
}

main().catch((err: unknown) => {
  console.error(`reconnect-and-stop: ${(err as Error).stack ?? String(err)}`);
  process.exit(3);
});
