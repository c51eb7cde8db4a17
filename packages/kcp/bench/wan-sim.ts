/**
 * Virtual-time WAN simulation of one KCP session pair (no CPU in the result, so it is
 * stable on a busy machine): @paqet/testkit's bottleneck link (RATE MB/s behind a
 * tail-drop queue of QUEUE datagrams, RTT_MS, seeded i.i.d. loss per direction). The
 * server sends MB to the client (a download), paqet's role windows (server 1024/1024,
 * client 128/512), mode fast, null cipher. FIT=1 (default) sizes windows from the path and
 * paces (fitWindows); FIT=0 is the fixed-window schedule. Prints MB/s of simulated time.
 *   sh bench/wan-sim.sh          RTT_MS=150 LOSS=0,0.01 MB=60 FIT=0 SEED=7 sh bench/wan-sim.sh
 */
import { VirtualClock, createBottleneckLinkPair } from '@paqet/testkit';
import { connect } from '@paqet/kcp';

export interface SimOptions {
  rttMs: number;
  rateMBps: number;
  loss: number;
  bytes: number;
  queue: number;
  fit: boolean;
  seed?: number;
}

export async function simulate(o: SimOptions) {
  const clock = new VirtualClock();
  const link = createBottleneckLinkPair({ rateMBps: o.rateMBps, rttMs: o.rttMs, loss: o.loss, queue: o.queue, seed: o.seed, scheduler: clock });
  const common = { clock, conv: 42, mode: 'fast' as const, block: 'null' as const, fitWindows: o.fit };
  const client = connect({ ...common, conn: link.a, remote: link.bEndpoint, sndwnd: 128, rcvwnd: 512 });
  const server = connect({ ...common, conn: link.b, remote: link.aEndpoint, sndwnd: 1024, rcvwnd: 1024 });
  let got = 0;
  client.on('data', (d: Buffer) => (got += d.length));
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
  if (process.env.TRACE) {
    const tick = () => {
      const s = server.stats();
      console.log(`t=${clock.now() - t0} got=${(got / 1e6).toFixed(1)}MB rate=${s.path?.deliveryMBps.toFixed(1)} pace=${s.path?.pacingMBps.toFixed(1)} startup=${s.path?.startup} snd=${s.sndWnd} rmt=${s.remoteWnd} waitSnd=${s.waitSnd} srtt=${s.srttMs} qdrops=${link.stats.ba.queueDrops} rto=${s.retransmissions.timeout}`);
      if (got < o.bytes) clock.setTimeout(tick, Number(process.env.TRACE));
    };
    tick();
  }
  await clock.runUntil(() => got >= o.bytes, 600_000);
  const st = server.stats();
  const result = {
    mbps: got / 1e6 / ((clock.now() - t0) / 1000),
    retransmissions: st.retransmissions,
    queueDrops: link.stats.ab.queueDrops + link.stats.ba.queueDrops,
    path: st.path,
    windows: { snd: st.sndWnd, rcv: client.stats().rcvWnd },
  };
  client.destroy();
  server.destroy();
  return result;
}

if (process.argv[1]?.endsWith('wan-sim.mjs')) {
  const rttMs = Number(process.env.RTT_MS ?? 50);
  const rateMBps = Number(process.env.RATE ?? 51);
  const bytes = Number(process.env.MB ?? 60) * 1e6;
  const queue = Number(process.env.QUEUE ?? 3000);
  const fit = process.env.FIT !== '0';
  const seed = process.env.SEED === undefined ? undefined : Number(process.env.SEED);
  for (const loss of (process.env.LOSS ?? '0,0.01,0.05').split(',').map(Number)) {
    const t = performance.now();
    const r = await simulate({ rttMs, rateMBps, loss, bytes, queue, fit, seed });
    console.log(
      `rtt ${rttMs} ms, ${rateMBps} MB/s link, queue ${queue}, loss ${loss * 100}%, fit ${fit}: ${r.mbps.toFixed(2)} MB/s ` +
        `${JSON.stringify({ ...r, mbps: undefined })} (${((performance.now() - t) / 1000).toFixed(1)} s real)`,
    );
  }
  process.exit(0);
}
