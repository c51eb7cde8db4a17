import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SeededRandom, VirtualClock, createMemoryLinkPair } from '@paqet/testkit';
import { connect, createServer, deriveKey, type KcpSession } from '@paqet/kcp';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function setup(opts: { loss?: number; delayMs?: number; block?: 'aes' | 'null'; serverKey?: string } = {}) {
  const clock = new VirtualClock();
  const link = createMemoryLinkPair({ seed: 11, scheduler: clock, conditions: { loss: opts.loss ?? 0, delayMs: opts.delayMs ?? 5 } });
  const key = deriveKey('k1');
  const block = opts.block ?? 'aes';
  const listener = createServer({ block, key: opts.serverKey ? deriveKey(opts.serverKey) : key, clock }).listen({ conn: link.b });
  const client = connect({ conn: link.a, remote: link.bEndpoint, block, key, clock, conv: 0x01020304 });
  return { clock, link, listener, client };
}

describe('KCP session over the memory link', () => {
  it('moves 2 MB both ways intact through aes over 10% loss', async () => {
    const { clock, listener, client } = setup({ loss: 0.1, delayMs: 20 });
    const data = new SeededRandom(3).fill(new Uint8Array(2 << 20));
    const atServer: Buffer[] = [];
    const atClient: Buffer[] = [];
    let serverGot = 0;
    let clientGot = 0;
    listener.on('session', (s) => {
      expect(s.conv).toBe(0x01020304);
      s.on('data', (c: Buffer) => {
        atServer.push(c);
        serverGot += c.length;
        s.write(c); // echo
      });
    });
    client.on('data', (c: Buffer) => {
      atClient.push(Buffer.from(c));
      clientGot += c.length;
    });
    let off = 0;
    const pump = () => {
      while (off < data.length) {
        const ok = client.write(data.subarray(off, off + 4096));
        off += 4096;
        if (!ok) return void client.once('drain', pump);
      }
    };
    pump();
    const okRun = await clock.runUntil(() => clientGot >= data.length, 600_000);
    if (!okRun) console.log(off, serverGot, clientGot, clock.now(), clock.pending, client.stats());
    expect(okRun).toBe(true);
    expect(sha(Buffer.concat(atServer))).toBe(sha(data));
    expect(sha(Buffer.concat(atClient))).toBe(sha(data));
    const st = client.stats();
    expect(st.retransmissions.fast + st.retransmissions.early + st.retransmissions.timeout).toBeGreaterThan(0);
    expect(st.srttMs).toBeGreaterThan(30);
    client.destroy();
    listener.close();
  });

  it('a peer with the wrong key gets nothing and nothing crashes', async () => {
    const { clock, listener, client, link } = setup({ serverKey: 'other' });
    let sessions = 0;
    listener.on('session', () => sessions++);
    client.write(new Uint8Array(5000));
    await clock.advance(2000);
    expect(sessions).toBe(0);
    expect(listener.drops.crc).toBeGreaterThan(0);
    // random garbage too
    const rng = new SeededRandom(1);
    for (let i = 0; i < 500; i++) link.a.send(rng.fill(new Uint8Array(rng.int(1500))), link.bEndpoint);
    await clock.advance(100);
    expect(sessions).toBe(0);
    client.destroy();
    listener.close();
  });

  it('replaces a session when the same endpoint restarts with sn 0 and a new conv', async () => {
    const { clock, listener, client, link } = setup({ block: 'null' });
    const seen: KcpSession[] = [];
    listener.on('session', (s) => seen.push(s));
    client.write(new Uint8Array([1, 2, 3]));
    await clock.advance(100);
    expect(seen).toHaveLength(1);
    client.destroy();
    const again = connect({ conn: link.a, remote: link.bEndpoint, block: 'null', clock, conv: 99 });
    again.write(new Uint8Array([4]));
    await clock.advance(100);
    expect(seen).toHaveLength(2);
    expect(seen[0].destroyed).toBe(true);
    expect(seen[1].conv).toBe(99);
    expect(listener.sessionCount).toBe(1);
    again.destroy();
    listener.close();
  });

  it('a restarted server opens no session for a peer in mid-conversation; its next conversation (sn 0) gets one', async () => {
    const { clock, listener, client, link } = setup({ block: 'null' });
    listener.on('session', (s) => s.resume());
    client.write(new Uint8Array(3000));
    await clock.advance(200);
    expect(listener.sessionCount).toBe(1);
    // The server process restarts: a new server on the same address, no state.
    listener.close();
    const conn = link.network.bind(link.bEndpoint);
    const restarted = createServer({ block: 'null', clock }).listen({ conn });
    const opened: KcpSession[] = [];
    restarted.on('session', (s) => opened.push(s));
    const heardBefore = client.stats().datagramsIn;
    client.write(new Uint8Array(3000));
    await clock.advance(3000);
    // No zombie session answers the old conversation: the client hears nothing at all.
    expect(opened).toHaveLength(0);
    expect(restarted.drops['unknown-session']).toBeGreaterThan(0);
    expect(client.stats().datagramsIn).toBe(heardBefore);
    client.destroy();
    const again = connect({ conn: link.a, remote: link.bEndpoint, block: 'null', clock, conv: 7 });
    again.write(new Uint8Array([1]));
    await clock.advance(200);
    expect(opened.map((s) => s.conv)).toEqual([7]);
    expect(again.stats().datagramsIn).toBeGreaterThan(0);
    again.destroy();
    restarted.close();
  });

  it('unauthenticated garbage (null cipher) from many endpoints opens no session', async () => {
    const clock = new VirtualClock();
    const network = createMemoryLinkPair({ seed: 5, scheduler: clock }).network;
    const conn = network.bind({ address: '10.0.0.2', port: 7000 });
    const server = createServer({ block: 'null', clock }).listen({ conn });
    let sessions = 0;
    server.on('session', () => sessions++);
    const rng = new SeededRandom(9);
    for (let port = 1000; port < 1200; port++) {
      const from = network.bind({ address: '10.0.0.9', port });
      for (let i = 0; i < 5; i++) {
        const junk = rng.fill(new Uint8Array(24 + rng.int(1200)));
        // Never sn 0 where the server reads it (raw KCP or FEC data): a client's first segment.
        junk[12] |= 1;
        junk[20] |= 1;
        from.send(junk, conn.localEndpoint);
      }
    }
    await clock.advance(100);
    expect(sessions).toBe(0);
    expect(server.sessionCount).toBe(0);
    expect(server.drops['unknown-session']).toBeGreaterThan(0);
    server.close();
  });

  it('an idle session arms no timer', async () => {
    const { clock, listener, client } = setup({ block: 'null' });
    client.write(new Uint8Array(10));
    await clock.advance(1000);
    expect(clock.pending).toBe(0);
    client.destroy();
    listener.close();
  });

  it('sends kcp segments with mtu 1350 and aes: 1330-byte KCP payload max', async () => {
    const { clock, listener, client, link } = setup({ block: 'null' });
    const sizes: number[] = [];
    const orig = link.a.send.bind(link.a);
    link.a.send = (d, to) => (sizes.push(d.length), orig(d, to));
    listener.on('session', (s) => s.resume());
    client.write(new Uint8Array(10_000));
    await clock.advance(500);
    expect(Math.max(...sizes)).toBe(1350); // null cipher: KCP mtu 1350, mss 1326
    expect(client.mss).toBe(1326);
    client.destroy();
    listener.close();
  });
});
