// PeerSilence on real KCP sessions over an in-memory link in virtual time: a live peer is
// never declared dead (busy, idle, or holding its window closed); a vanished one is, 1.5 s
// after our data started waiting for it.
import { describe, expect, it } from 'vitest';
import { VirtualClock, createMemoryLinkPair } from '@paqet/testkit';
import { connect, createServer } from '@paqet/kcp';
import { PEER_SILENCE_MIN_MS, PeerSilence } from '../src/transport/peer-silence.js';

function setup() {
  const clock = new VirtualClock();
  const link = createMemoryLinkPair({ seed: 3, scheduler: clock, conditions: { delayMs: 10 } });
  const listener = createServer({ block: 'null', clock }).listen({ conn: link.b });
  const client = connect({ conn: link.a, remote: link.bEndpoint, block: 'null', clock, mode: 'fast' });
  return { clock, link, listener, client, silence: new PeerSilence(client) };
}

/** Samples every 100 ms of virtual time for `ms`; returns when it first said dead (ms from start), or null. */
async function watch(clock: VirtualClock, silence: PeerSilence, ms: number, each?: (t: number) => void): Promise<number | null> {
  const start = clock.now();
  for (let t = 0; t <= ms; t += 100) {
    each?.(t);
    await clock.advance(100);
    if (silence.dead(clock.now())) return clock.now() - start;
  }
  return null;
}

describe('PeerSilence', () => {
  it('a live peer is never declared dead, busy or idle', async () => {
    const { clock, listener, client, silence } = setup();
    listener.on('session', (s) => s.on('data', (c: Buffer) => s.write(c)));
    client.resume();
    const dead = await watch(clock, silence, 10_000, (t) => {
      if (t < 3000 || t % 1000 === 0) client.write(new Uint8Array(t < 3000 ? 20_000 : 8));
    });
    expect(dead).toBeNull();
    expect(silence.answered).toBe(true);
    client.destroy();
    listener.close();
  });

  it('a peer that holds its window closed (it reads nothing) is not dead', async () => {
    const { clock, listener, client, silence } = setup();
    listener.on('session', () => {}); // never read: its KCP receive window fills and closes
    let blocked = false;
    const dead = await watch(clock, silence, 10_000, () => {
      if (!blocked) blocked = !client.write(new Uint8Array(64 * 1024));
    });
    expect(blocked).toBe(true);
    expect(client.stats().remoteWnd).toBe(0);
    expect(dead).toBeNull();
    client.destroy();
    listener.close();
  });

  it('a vanished peer is dead PEER_SILENCE_MIN_MS (1.5 s) after our data started waiting, not before', async () => {
    const { clock, listener, client, silence } = setup();
    listener.on('session', (s) => s.resume());
    client.write(new Uint8Array(100));
    expect(await watch(clock, silence, 1000)).toBeNull();
    listener.close(); // the server process is gone
    // Idle: nothing waits for an answer, so nothing is counted yet.
    expect(await watch(clock, silence, 3000)).toBeNull();
    const dead = await watch(clock, silence, 5000, (t) => {
      if (t === 0) client.write(new Uint8Array(8));
    });
    expect(dead).not.toBeNull();
    expect(dead!).toBeGreaterThanOrEqual(PEER_SILENCE_MIN_MS);
    expect(dead!).toBeLessThanOrEqual(PEER_SILENCE_MIN_MS + 200);
    expect(silence.silentMs).toBeGreaterThanOrEqual(PEER_SILENCE_MIN_MS);
    client.destroy();
  });

  it('a conversation nobody answers is never "answered"', async () => {
    const { clock, link, client, silence } = setup();
    link.b.close();
    client.write(new Uint8Array(8));
    await clock.advance(1000);
    expect(silence.answered).toBe(false);
    client.destroy();
  });
});
