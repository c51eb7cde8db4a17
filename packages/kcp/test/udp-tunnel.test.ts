import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '@paqet/testkit';
import { once } from 'node:events';
import { SmuxSession, connect, createServer, type SmuxStream } from '@paqet/kcp';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('encrypted multiplexed tunnel over loopback UDP (public API)', () => {
  it('echoes 8 streams x 512 KB through aes, as the README example does', async () => {
    const listener = createServer({ block: 'aes', key: 'secret' }, (kcp) => SmuxSession.server(kcp).on('stream', (s: SmuxStream) => s.pipe(s)));
    await once(listener.listen(0, '127.0.0.1'), 'listening');
    const kcp = connect({ host: '127.0.0.1', port: listener.address()!.port, block: 'aes', key: 'secret', mode: 'fast3' });
    const mux = SmuxSession.client(kcp);
    const results = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const data = Buffer.from(new SeededRandom(i + 1).fill(new Uint8Array(512 * 1024)));
        const s = mux.openStream();
        const parts: Buffer[] = [];
        let got = 0;
        const done = new Promise<void>((resolve) =>
          s.on('data', (d: Buffer) => {
            parts.push(d);
            got += d.length;
            if (got >= data.length) resolve();
          }),
        );
        s.write(data);
        await done;
        s.destroy();
        return sha(Buffer.concat(parts)) === sha(data);
      }),
    );
    expect(results).toEqual(Array(8).fill(true));
    expect(kcp.stats().drops.crc).toBe(0);
    mux.close();
    listener.close();
  }, 30_000);

  it('a client with the wrong key gets nothing; the server keeps serving', async () => {
    let sessions = 0;
    const listener = createServer({ block: 'aes', key: 'right' }, () => sessions++);
    await once(listener.listen(0, '127.0.0.1'), 'listening');
    const bad = connect({ host: '127.0.0.1', port: listener.address()!.port, block: 'aes', key: 'wrong' });
    const mux = SmuxSession.client(bad);
    const s = mux.openStream();
    let answered = false;
    s.on('data', () => (answered = true));
    s.write('hello');
    await new Promise((r) => setTimeout(r, 300));
    expect(sessions).toBe(0);
    expect(answered).toBe(false);
    expect(listener.drops.crc).toBeGreaterThan(0);
    mux.close();
    listener.close();
  });
});
