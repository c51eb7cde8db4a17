/**
 * smux stream windows that follow the transport's fitted receive window (fitStreamWindow):
 * the window changes while a stream runs, and the receiver must keep sending UPDs for the
 * window the peer actually holds (docs/protocol/smux.md, section 3).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VirtualClock, createMemoryLinkPair } from '@paqet/testkit';
import { SmuxSession, connect, createServer, deriveKey, type KcpSession, type SmuxStream } from '@paqet/kcp';
import { duplexPair, type PipeEnd } from './helpers/duplex-pipe.js';

const MiB = 1024 * 1024;

/** A deterministic payload of n bytes. */
function payload(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 131 + (i >>> 8)) & 0xff;
  return b;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Sessions over a memory pipe whose server end reports `window()` as its fitted receive window. */
function sessions(window: () => number, options: { maxReceiveBuffer?: number; maxStreamBuffer?: number } = {}) {
  const [ta, tb] = duplexPair();
  Object.assign(tb, { receiveWindowBytes: window });
  const client = SmuxSession.client(ta);
  const server = SmuxSession.server(tb, { fitStreamWindow: true, ...options });
  return { ta, tb, client, server };
}

/** UPDs the server wrote: [consumed, window]. */
function upds(tb: PipeEnd): [number, number][] {
  return tb.written.filter((b) => b[1] === 4).map((b) => [b.readUInt32LE(8), b.readUInt32LE(12)]);
}

/** Read the whole stream; `pace` runs before each chunk is taken (a slow reader). */
async function readAll(s: SmuxStream, onChunk?: (got: number) => void | Promise<void>): Promise<Buffer> {
  const parts: Buffer[] = [];
  let got = 0;
  for await (const c of s) {
    parts.push(c as Buffer);
    got += (c as Buffer).length;
    await onChunk?.(got);
  }
  return Buffer.concat(parts);
}

describe('smux fitStreamWindow', () => {
  it('a window that grows after a UPD still gets UPDs for the window the peer holds (no stall)', async () => {
    // 2 MiB until the first UPD went out, then the path fit grows it to 12 MiB: the peer
    // may send 2 MiB past the last consumed count, so the next UPD must come by then.
    let window = 2 * MiB;
    const { tb, client, server } = sessions(() => window);
    const data = payload(20 * MiB);
    const got = new Promise<SmuxStream>((r) => server.on('stream', r));
    const s = client.openStream();
    s.end(data);
    const ss = await got;
    const received = await readAll(ss, () => {
      window = 12 * MiB;
    });
    expect(received.length).toBe(data.length);
    expect(sha(received)).toBe(sha(data));
    const sent = upds(tb);
    expect(sent[0]).toEqual([expect.any(Number), 2 * MiB]);
    expect(sent.some(([, w]) => w === 12 * MiB)).toBe(true);
    client.close();
    server.close();
  }, 30_000);

  it('a window that shrinks still completes the transfer', async () => {
    let window = 12 * MiB;
    const { client, server } = sessions(() => window);
    const data = payload(20 * MiB);
    const got = new Promise<SmuxStream>((r) => server.on('stream', r));
    client.openStream().end(data);
    const ss = await got;
    const received = await readAll(ss, (n) => {
      window = n > 4 * MiB ? 3 * MiB : 12 * MiB;
    });
    expect(sha(received)).toBe(sha(data));
    client.close();
    server.close();
  }, 30_000);
  it('a stream whose reader stopped holds at most its window; the session keeps reading for the others', async () => {
    // Window 12 MiB, session buffer 4 MiB, stream buffer 2 MiB: the session buffer grows to
    // 4 - 2 + 12 = 14 MiB, so one stalled stream (12 MiB) leaves 2 MiB for the rest.
    const { tb, client, server } = sessions(() => 12 * MiB);
    const streams: SmuxStream[] = [];
    const next = () => new Promise<SmuxStream>((r) => server.once('stream', r));
    const bigData = payload(20 * MiB);
    const gotA = next();
    const a = client.openStream();
    a.end(bigData);
    const sa = await gotA;
    streams.push(sa);
    const first = await new Promise<Buffer>((r) => sa.once('data', r)); // the UPD (12 MiB) goes out
    sa.pause();
    // Wait until the sender used all its credit: consumed + 12 MiB (frame headers add 8 per 64 KiB).
    const credit = first.length + 12 * MiB;
    while (server.counters.bytesIn < credit) await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    const heldByA = server.counters.bytesIn;
    expect(heldByA).toBeLessThan(credit + 4096);
    expect(tb.isPaused()).toBe(false);
    // Another stream still flows while A holds its whole window.
    const small = payload(3 * MiB);
    const gotB = next();
    client.openStream().end(small);
    const sb = await gotB;
    expect(sha(await readAll(sb))).toBe(sha(small));
    // A's reader comes back: the rest arrives intact.
    sa.resume();
    const rest = await readAll(sa);
    expect(sha(Buffer.concat([first, rest]))).toBe(sha(bigData));
    client.close();
    server.close();
  }, 30_000);
  it('over KCP with fitted windows on a 150 ms path: 40 MB on one stream arrive intact (virtual time)', async () => {
    // The receive window KCP fits to the path grows well past twice the 2 MiB floor during
    // the transfer: the case that stalled the daemon with fitStreamWindow on.
    const clock = new VirtualClock();
    const link = createMemoryLinkPair({ seed: 11, scheduler: clock, conditions: { delayMs: 75 } });
    const key = deriveKey('fitted-window');
    const listener = createServer({ block: 'aes', key, clock, fitWindows: true }).listen({ conn: link.b });
    const kcp = connect({ conn: link.a, remote: link.bEndpoint, block: 'aes', key, clock, fitWindows: true });
    const client = SmuxSession.client(kcp, { clock, fitStreamWindow: true });
    let serverKcp: KcpSession | undefined;
    let maxWindow = 0;
    const parts: Buffer[] = [];
    let ended = false;
    listener.on('session', (s: KcpSession) => {
      serverKcp = s;
      SmuxSession.server(s, { clock, fitStreamWindow: true }).on('stream', (st: SmuxStream) => {
        st.on('data', (d: Buffer) => {
          parts.push(d);
          maxWindow = Math.max(maxWindow, s.stats().rcvWnd);
        });
        st.on('end', () => (ended = true));
      });
    });
    const data = payload(40 * MiB);
    client.openStream().end(data);
    const done = await clock.runUntil(() => ended, 600_000);
    expect(maxWindow * kcp.mss).toBeGreaterThan(4 * MiB);
    expect(done, `${parts.reduce((n, b) => n + b.length, 0)} of ${data.length} bytes arrived`).toBe(true);
    expect(sha(Buffer.concat(parts))).toBe(sha(data));
    client.close();
    serverKcp?.destroy();
    listener.close();
  }, 120_000);
});
