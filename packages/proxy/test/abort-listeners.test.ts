// A shutdown signal shared by many concurrent dials and relays holds at most one 'abort'
// listener (no MaxListenersExceededWarning), and none once they are done.
import { getEventListeners } from 'node:events';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DialError, DirectDialer, Socks5Server, relayTcp, type DatagramChannel, type Dialer } from '@paqet/proxy';
import { onAbort } from '../src/on-abort.js';
import { eventually, socksConnect } from './helpers.js';

const CONCURRENT = 40;

let warnings: Error[] = [];
const onWarning = (w: Error): void => void warnings.push(w);
beforeEach(() => {
  warnings = [];
  process.on('warning', onWarning);
});
afterEach(() => {
  process.off('warning', onWarning);
});

/** Node emits 'warning' on the next tick; give it a few turns. */
async function maxListenerWarnings(): Promise<Error[]> {
  await new Promise((r) => setTimeout(r, 20));
  return warnings.filter((w) => w.name === 'MaxListenersExceededWarning');
}

const abortListeners = (signal: AbortSignal): number => getEventListeners(signal, 'abort').length;

describe('onAbort', () => {
  it('many waiters share one listener; it is removed when the last stops waiting', () => {
    const controller = new AbortController();
    const stops = Array.from({ length: CONCURRENT }, () => onAbort(controller.signal, () => {}));
    expect(abortListeners(controller.signal)).toBe(1);
    for (const stop of stops) stop();
    expect(abortListeners(controller.signal)).toBe(0);
    // Stopping twice is harmless, and waiting again adds the one listener back.
    stops[0]!();
    const stop = onAbort(controller.signal, () => {});
    expect(abortListeners(controller.signal)).toBe(1);
    stop();
    expect(abortListeners(controller.signal)).toBe(0);
  });

  it('calls every waiter once on abort, not those that stopped, and nothing after the fact', () => {
    const controller = new AbortController();
    const called: number[] = [];
    const stops = [0, 1, 2].map((i) => onAbort(controller.signal, () => called.push(i)));
    stops[1]!();
    controller.abort();
    controller.abort();
    expect(called).toEqual([0, 2]);
    expect(abortListeners(controller.signal)).toBe(0);
    let late = false;
    onAbort(controller.signal, () => (late = true))();
    expect(late).toBe(false);
  });
});

describe('relays and dials on one shared shutdown signal', () => {
  /** Accepts connections and keeps them open, silently. */
  let holder: Server;
  let holderPort: number;
  const held = new Set<Socket>();

  beforeAll(async () => {
    holder = createServer((s) => {
      held.add(s);
      s.on('error', () => {});
      s.once('close', () => held.delete(s));
    });
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    holderPort = (holder.address() as AddressInfo).port;
  });

  afterAll(async () => {
    for (const s of held) s.destroy();
    await new Promise((resolve) => holder.close(resolve));
  });

  async function socketPair(server: Server, port: number): Promise<[Socket, Socket]> {
    const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
    const client = connect({ port, host: '127.0.0.1' });
    client.on('error', () => {});
    return [client, await accepted];
  }

  it(`${CONCURRENT} concurrent TCP relays: one listener while they run, none after, no warning`, async () => {
    const shutdown = new AbortController();
    const front = createServer();
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    const frontPort = (front.address() as AddressInfo).port;
    const clients: Socket[] = [];
    const relays: Promise<unknown>[] = [];
    const before = held.size;
    for (let i = 0; i < CONCURRENT; i++) {
      const [client, stream] = await socketPair(front, frontPort);
      clients.push(client);
      relays.push(relayTcp(stream, { host: '127.0.0.1', port: holderPort }, new DirectDialer(), { signal: shutdown.signal }));
    }
    expect(await eventually(() => held.size >= before + CONCURRENT, 5000)).toBe(true);
    expect(abortListeners(shutdown.signal)).toBe(1);
    for (const c of clients) c.destroy();
    await Promise.all(relays);
    expect(abortListeners(shutdown.signal)).toBe(0);
    expect(await maxListenerWarnings()).toEqual([]);
    front.close();
  });

  it('shutdown still ends every running relay', async () => {
    const shutdown = new AbortController();
    const front = createServer();
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    const frontPort = (front.address() as AddressInfo).port;
    const relays: Promise<unknown>[] = [];
    const clients: Socket[] = [];
    const before = held.size;
    for (let i = 0; i < 12; i++) {
      const [client, stream] = await socketPair(front, frontPort);
      clients.push(client);
      relays.push(relayTcp(stream, { host: '127.0.0.1', port: holderPort }, new DirectDialer(), { signal: shutdown.signal }));
    }
    expect(await eventually(() => held.size >= before + 12, 5000)).toBe(true);
    shutdown.abort();
    const outcomes = await Promise.all(relays);
    expect(outcomes.every((o) => (o as { connected: boolean }).connected)).toBe(true);
    expect(await eventually(() => clients.every((c) => c.destroyed), 3000)).toBe(true);
    front.close();
  });

  it(`SOCKS5: ${CONCURRENT} CONNECTs waiting on a slow dialer add no listener per request; close aborts them`, async () => {
    const pending = new Set<AbortSignal>();
    let aborted = 0;
    // A dialer that answers only when aborted (a tunnel that is still coming up).
    const dialer: Dialer = {
      dialTcp: (host: string, port: number, signal?: AbortSignal): Promise<Duplex> =>
        new Promise((_, reject) => {
          pending.add(signal!);
          signal!.addEventListener('abort', () => {
            aborted++;
            reject(new DialError('general', `${host}:${port}`, 'aborted'));
          });
        }),
      dialUdp: (): Promise<DatagramChannel> => Promise.reject(new Error('unused')),
    };
    const server = new Socks5Server({ listen: '127.0.0.1:0', dialer });
    const { port } = await server.listen();
    const shutdown = (server as unknown as { shutdown: AbortController }).shutdown.signal;
    const requests = Array.from({ length: CONCURRENT }, () => socksConnect(port, '192.0.2.1', 80));
    expect(await eventually(() => pending.size === CONCURRENT, 5000)).toBe(true);
    expect(abortListeners(shutdown)).toBe(1);
    await server.close();
    expect(aborted).toBe(CONCURRENT);
    for (const r of await Promise.all(requests)) r.client.destroy();
    expect(abortListeners(shutdown)).toBe(0);
    expect(await maxListenerWarnings()).toEqual([]);
  });
});
