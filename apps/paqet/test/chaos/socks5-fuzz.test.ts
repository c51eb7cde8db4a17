/**
 * Property-based SOCKS5 fuzzing (fast-check) against the real client daemon in the lab:
 * batches of hostile clients (random bytes, mangled RFC 1928/1929 handshakes, random
 * chunking, early half-closes) connect at once through a Unix-socket bridge into the client
 * namespace, while well-behaved clients keep downloading through the same proxy. The
 * daemon never dies, every good download arrives intact, and afterwards its descriptors
 * return to where they were, its peak RSS is inside the budget and SIGTERM ends it with 0.
 */
import type { Socket } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bridgeIntoLab, type NamespaceBridge } from '@paqet/testkit';
import { ChaosLab, PEAK_RSS_BUDGET, SOCKS_PORT, type Transfer } from './chaos-lab.js';
import { describeLab, report, scale, SEED } from './profile.js';
import { hostileClient, type HostileClient } from './socks5-arbitraries.js';

const MB = 1024 * 1024;
const BATCHES = scale(25, 400);
const BATCH_SIZE = 8;
/** How long one hostile client waits for the daemon to answer or close before it hangs up. */
const PATIENCE_MS = 150;
let chaos: ChaosLab;
let bridge: NamespaceBridge;
let baselineFds = 0;

/** Sends the chunks, waits briefly for the daemon's reaction, hangs up; resolves whether the daemon closed first. */
function runHostile(client: HostileClient): Promise<boolean> {
  return new Promise((resolve) => {
    const socket: Socket = bridge.connect();
    let closedByPeer = false;
    socket.on('error', () => {});
    socket.on('data', () => {});
    socket.once('end', () => (closedByPeer = true));
    socket.once('close', () => resolve(closedByPeer));
    socket.once('connect', async () => {
      for (const chunk of client.chunks) {
        if (socket.destroyed) break;
        socket.write(Buffer.from(chunk));
        await new Promise((r) => setImmediate(r));
      }
      if (client.halfClose && !socket.destroyed) socket.end();
      setTimeout(() => socket.destroy(), PATIENCE_MS);
    });
  });
}

describeLab('chaos: SOCKS5 fuzzing against the real proxy', () => {
  beforeAll(async () => {
    chaos = await ChaosLab.start({ name: 'sox', seed: SEED, files: { 'blob.bin': 256 * 1024 } });
    bridge = await bridgeIntoLab(chaos.lab, 'client', '127.0.0.1', SOCKS_PORT);
    expect((await chaos.download('blob.bin')).ok).toBe(true);
    baselineFds = chaos.daemons.client!.openFds();
  }, 120_000);

  afterAll(async () => {
    await bridge?.close();
    await chaos?.finish();
  });

  it(`${BATCHES} batches of ${BATCH_SIZE} hostile clients at once: the daemon survives and good clients keep working`, async () => {
    let running = true;
    const good: Transfer[] = [];
    const goodClients = (async () => {
      while (running) good.push(await chaos.download('blob.bin', 30));
    })();
    let closedByDaemon = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(hostileClient, { minLength: BATCH_SIZE, maxLength: BATCH_SIZE }), async (batch) => {
          const outcomes = await Promise.all(batch.map(runHostile));
          closedByDaemon += outcomes.filter(Boolean).length;
          expect(chaos.daemons.client!.exitStatus(), chaos.daemons.client!.output().slice(-2000)).toBeNull();
        }),
        { numRuns: BATCHES, seed: SEED, endOnFailure: true },
      );
    } finally {
      running = false;
      await goodClients;
    }
    for (const t of good) expect(t.ok, `good client: ${t.stderr} (curl ${t.code}, ${t.bytes} bytes)`).toBe(true);
    expect(good.length).toBeGreaterThan(0);
    report(
      `SOCKS5 fuzz: ${BATCHES * BATCH_SIZE} hostile clients (seed ${SEED}), ${closedByDaemon} closed by the daemon first; ${good.length} good downloads meanwhile, all intact`,
    );
  }, 600_000);

  it('afterwards the daemon serves at once and its open descriptors return to the baseline', async () => {
    const t = await chaos.download('blob.bin', 10);
    expect(t.ok, t.stderr).toBe(true);
    const d = chaos.daemons.client!;
    // Handshakes left waiting end at the daemon's handshake deadline at the latest.
    await chaos.waitFor(`client fds back to ${baselineFds} (now ${d.openFds()})`, () => d.openFds() <= baselineFds + 2, 30_000);
    report(`SOCKS5 fuzz: client fds ${baselineFds} before, ${d.openFds()} after`);
  }, 60_000);

  it(`peak RSS of each daemon <= ${PEAK_RSS_BUDGET / MB} MB, and both exit 0 on SIGTERM`, async () => {
    chaos.expectPeakRssWithinBudget('SOCKS5 fuzz');
    await chaos.stopDaemon('client', 'SIGTERM');
    await chaos.stopDaemon('server', 'SIGTERM');
    expect(chaos.uncleanStops()).toEqual([]);
  });
});
