/**
 * smux stream windows that follow the transport's fitted receive window (fitStreamWindow):
 * the window changes while a stream runs, and the receiver must keep sending UPDs for the
 * window the peer actually holds (docs/protocol/smux.md, section 3).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SmuxSession, type SmuxStream } from '@paqet/kcp';
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
});
