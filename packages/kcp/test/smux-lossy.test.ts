import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SeededRandom, VirtualClock, createMemoryLinkPair, type LinkConditions } from '@paqet/testkit';
import { SmuxSession, connect, createServer, deriveKey, type SmuxStream } from '@paqet/kcp';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function tunnel(conditions: LinkConditions, opts: { total: number; streams: number; fec?: boolean; seed?: number }) {
  const clock = new VirtualClock();
  const link = createMemoryLinkPair({ seed: opts.seed ?? 5, scheduler: clock, conditions });
  const key = deriveKey('lossy-key');
  const fec = opts.fec ? { dshard: 10, pshard: 3 } : {};
  const listener = createServer({ block: 'aes', key, clock, ...fec }).listen({ conn: link.b });
  const kcp = connect({ conn: link.a, remote: link.bEndpoint, block: 'aes', key, clock, sndwnd: 1024, rcvwnd: 1024, ...fec });
  const client = SmuxSession.client(kcp, { clock });
  const received = new Map<number, Buffer[]>();
  let servers: SmuxSession | undefined;
  listener.on('session', (s) => {
    servers = SmuxSession.server(s, { clock });
    servers.on('stream', (st: SmuxStream) => {
      const parts: Buffer[] = [];
      received.set(st.id, parts);
      st.on('data', (d: Buffer) => parts.push(d));
      st.on('end', () => st.end());
    });
  });
  const per = Math.floor(opts.total / opts.streams);
  const payloads: Buffer[] = [];
  let finished = 0;
  for (let i = 0; i < opts.streams; i++) {
    const data = Buffer.from(new SeededRandom(100 + i).fill(new Uint8Array(per)));
    payloads.push(data);
    const st = client.openStream();
    st.on('data', () => {});
    st.on('end', () => finished++);
    let off = 0;
    const pump = () => {
      while (off < data.length) {
        const ok = st.write(data.subarray(off, off + 32768));
        off += 32768;
        if (!ok) return void st.once('drain', pump);
      }
      st.end();
    };
    pump();
  }
  const done = await clock.runUntil(() => finished === opts.streams, 3_600_000);
  return { done, received, payloads, client, servers, listener, kcp, clock, link };
}

describe('smux over KCP over a lossy memory link (virtual time)', () => {
  it('20 MB across 8 streams with aes: 10% loss, reordering, duplication, 50 ms delay', async () => {
    const r = await tunnel({ loss: 0.1, reorder: 0.05, duplicate: 0.02, delayMs: 50 }, { total: 20 << 20, streams: 8 });
    expect(r.done).toBe(true);
    r.payloads.forEach((p, i) => expect(sha(Buffer.concat(r.received.get(3 + 2 * i) ?? []))).toBe(sha(p)));
    expect(r.client.streamCount).toBe(0);
    const st = r.kcp.stats();
    expect(st.retransmissions.fast + st.retransmissions.early + st.retransmissions.timeout).toBeGreaterThan(1000);
    expect(r.link.network.stats.duplicated).toBeGreaterThan(0);
    console.log(`20 MB / 10% loss: ${r.clock.now()} ms virtual, retrans`, st.retransmissions);
    r.client.close();
    r.listener.close();
  }, 120_000);

  it('20 MB across 8 streams with aes: 30% loss, reordering, duplication, 50 ms delay', async () => {
    const r = await tunnel({ loss: 0.3, reorder: 0.05, duplicate: 0.02, delayMs: 50 }, { total: 20 << 20, streams: 8, seed: 9 });
    expect(r.done).toBe(true);
    r.payloads.forEach((p, i) => expect(sha(Buffer.concat(r.received.get(3 + 2 * i) ?? []))).toBe(sha(p)));
    console.log(`20 MB / 30% loss: ${r.clock.now()} ms virtual`);
    r.client.close();
    r.listener.close();
  }, 120_000);

  it('20 MB across 8 streams with aes + FEC 10/3: 10% loss, reordering, duplication, 50 ms delay', async () => {
    const r = await tunnel({ loss: 0.1, reorder: 0.05, duplicate: 0.02, delayMs: 50 }, { total: 20 << 20, streams: 8, fec: true, seed: 13 });
    expect(r.done).toBe(true);
    r.payloads.forEach((p, i) => expect(sha(Buffer.concat(r.received.get(3 + 2 * i) ?? []))).toBe(sha(p)));
    const st = r.kcp.stats();
    expect(st.parityOut).toBeGreaterThan(1000);
    console.log(`20 MB / 10% loss / FEC 10/3: ${r.clock.now()} ms virtual, client recovered ${st.fecRecovered}`);
    r.client.close();
    r.listener.close();
  }, 120_000);

  it('20 MB across 8 streams with aes + FEC 10/3: 30% loss, reordering, duplication, 50 ms delay', async () => {
    const r = await tunnel({ loss: 0.3, reorder: 0.05, duplicate: 0.02, delayMs: 50 }, { total: 20 << 20, streams: 8, fec: true, seed: 17 });
    expect(r.done).toBe(true);
    r.payloads.forEach((p, i) => expect(sha(Buffer.concat(r.received.get(3 + 2 * i) ?? []))).toBe(sha(p)));
    r.client.close();
    r.listener.close();
  }, 120_000);
});
