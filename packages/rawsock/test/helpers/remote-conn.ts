/**
 * The test-process side of conn-agent: an agent running in one lab namespace, and a
 * PacketConn proxy per remote raw PacketConn (pcap or afpacket backend). The proxy only forwards; every datagram
 * really travels as a crafted frame between the namespaces. Sends are batched per
 * event-loop turn to keep IPC overhead out of the way.
 */
import type { ChildProcess } from 'node:child_process';
import type { DatagramHandler, Endpoint, PacketConn } from '@paqet/wire';
import type { Lab, LabHostName } from '@paqet/testkit';
import type { AfPacketNativeStats, RawBackend, RawSocketCounters, RawSocketOptions, DefaultRoute, NetworkInterfaceInfo } from '@paqet/rawsock';
import { bundleEntry } from './bundle.js';

/** An error thrown inside the agent, with its PAQET_ERR_* code. */
export class AgentCallError extends Error {
  constructor(
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

export class NamespaceAgent {
  private nextId = 1;
  private readonly conns = new Map<number, RemotePacketConn>();
  private readonly waiters = new Map<string, { resolve: (m: any) => void; reject: (err: Error) => void }>();
  private readonly child: ChildProcess;
  private readonly ready: Promise<void>;
  /** How the agent process ended ("exit 0", "signal SIGABRT"), or null while it runs. */
  exited: string | null = null;

  constructor(lab: Lab, host: LabHostName) {
    const script = bundleEntry('test/helpers/conn-agent.ts');
    this.child = lab.spawn(host, [process.execPath, script], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
    this.child.once('exit', (code, signal) => {
      this.exited = signal ? `signal ${signal}` : `exit ${code}`;
      // A call the agent will never answer fails now, with the reason, instead of timing out.
      for (const w of this.waiters.values()) w.reject(new Error(`agent in ${host} ended (${this.exited})`));
      this.waiters.clear();
    });
    this.ready = this.wait('ready');
    this.child.on('message', (m: any) => this.onMessage(m));
  }

  private onMessage(m: any): void {
    if (m.t === 'recv') {
      this.conns.get(m.id)?.deliver(m.datagrams, m.from);
      return;
    }
    const key = m.t === 'ready' ? 'ready' : m.id !== undefined ? `conn-${m.id}` : `rid-${m.rid}`;
    const w = this.waiters.get(key);
    if (w) {
      this.waiters.delete(key);
      w.resolve(m);
    }
  }

  private wait(key: string): Promise<any> {
    if (this.exited) return Promise.reject(new Error(`agent ended (${this.exited})`));
    return new Promise((resolve, reject) => this.waiters.set(key, { resolve, reject }));
  }

  post(msg: unknown): void {
    if (this.child.connected) this.child.send(msg as never);
  }

  async open(options: RawSocketOptions, backend: RawBackend = 'pcap'): Promise<RemotePacketConn> {
    await this.ready;
    const id = this.nextId++;
    const answer = this.wait(`conn-${id}`);
    this.post({ t: 'open', id, options, backend });
    const m = await answer;
    if (m.t === 'open-failed') throw new AgentCallError(m.error.code, m.error.message);
    const conn = new RemotePacketConn(this, id, m.port, m.maxDatagramSize);
    this.conns.set(id, conn);
    return conn;
  }

  async counters(id: number): Promise<RawSocketCounters> {
    const rid = this.nextId++;
    const answer = this.wait(`rid-${rid}`);
    this.post({ t: 'counters', id, rid });
    return (await answer).counters;
  }

  /** The afpacket conn's native counters (null for pcap). */
  async nativeStats(id: number): Promise<AfPacketNativeStats | null> {
    const rid = this.nextId++;
    const answer = this.wait(`rid-${rid}`);
    this.post({ t: 'native', id, rid });
    return (await answer).stats;
  }

  async discover(family: 4 | 6): Promise<DefaultRoute> {
    await this.ready;
    const rid = this.nextId++;
    const answer = this.wait(`rid-${rid}`);
    this.post({ t: 'discover', rid, family });
    const m = await answer;
    if (m.error) throw new AgentCallError(m.error.code, m.error.message);
    return m.route;
  }

  async listInterfaces(): Promise<NetworkInterfaceInfo[]> {
    await this.ready;
    const rid = this.nextId++;
    const answer = this.wait(`rid-${rid}`);
    this.post({ t: 'list', rid });
    const m = await answer;
    if (m.error) throw new AgentCallError(m.error.code, m.error.message);
    return m.interfaces;
  }

  stop(): void {
    if (this.child.connected) this.child.disconnect();
    this.child.kill();
  }
}

export class RemotePacketConn implements PacketConn {
  private handler: DatagramHandler | null = null;
  private isClosed = false;
  private outData: Uint8Array[] = [];
  private outTo: Endpoint[] = [];
  private flushScheduled = false;

  constructor(
    private readonly agent: NamespaceAgent,
    readonly id: number,
    readonly port: number,
    readonly maxDatagramSize: number,
  ) {}

  get closed(): boolean {
    return this.isClosed;
  }

  send(datagram: Uint8Array, to: Endpoint): void {
    if (this.isClosed) return;
    this.outData.push(datagram.slice());
    this.outTo.push({ address: to.address, port: to.port });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.outData.length === 0) return;
    this.agent.post({ t: 'send', id: this.id, datagrams: this.outData, to: this.outTo });
    this.outData = [];
    this.outTo = [];
  }

  onDatagram(handler: DatagramHandler | null): void {
    this.handler = handler;
  }

  deliver(datagrams: Uint8Array[], from: Endpoint[]): void {
    for (let i = 0; i < datagrams.length; i++) {
      if (this.isClosed || this.handler === null) return;
      this.handler(datagrams[i], from[i]);
    }
  }

  setRemoteFlags(peer: Endpoint, flags: string[]): void {
    this.flush();
    this.agent.post({ t: 'setRemoteFlags', id: this.id, peer, flags });
  }

  clearRemoteFlags(peer: Endpoint): void {
    this.flush();
    this.agent.post({ t: 'clearRemoteFlags', id: this.id, peer });
  }

  counters(): Promise<RawSocketCounters> {
    this.flush();
    return this.agent.counters(this.id);
  }

  nativeStats(): Promise<AfPacketNativeStats | null> {
    this.flush();
    return this.agent.nativeStats(this.id);
  }

  close(): void {
    if (this.isClosed) return;
    this.flush();
    this.isClosed = true;
    this.agent.post({ t: 'close', id: this.id });
  }
}
