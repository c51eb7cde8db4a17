import { afterEach, describe, expect, it } from 'vitest';
import { UdpPacketConn } from '@paqet/kcp/udp';
import { createMemoryLinkPair, MemoryNetwork } from '@paqet/testkit';
import type { PacketConn } from '@paqet/wire';
import { QuicListener, QuicSession, type QuicRejection } from '../src/index.js';
import { deriveQuicIdentity } from '../src/tls/identity.js';
import { forkStyleIdentity } from './fork-certificate.js';
import { patternBytes, readAll, sha256 } from './helpers.js';

// PBKDF2 once per secret, not per test.
const RIGHT = deriveQuicIdentity('right secret');
const WRONG = deriveQuicIdentity('wrong secret');

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function echoServer(listener: QuicListener): void {
  listener.on('session', (s) => s.on('stream', (st) => st.pipe(st)));
}

describe('QuicSession over the in-memory link', () => {
  it('handshakes with the shared secret and echoes a stream', async () => {
    const { a, b, bEndpoint } = createMemoryLinkPair({ conditions: { mtu: 1280 } });
    const listener = new QuicListener({ conn: b, identity: RIGHT });
    echoServer(listener);
    const client = await QuicSession.connect({ conn: a, remote: bEndpoint, identity: RIGHT });
    cleanups.push(() => client.close(), () => listener.close());
    const stream = client.openStream();
    const data = patternBytes(300_000);
    stream.end(data);
    const echoed = await readAll(stream);
    expect(sha256(echoed)).toBe(sha256(data));
    expect(stream.id).toBe(0);
    expect(client.stats().streamsOpened).toBe(1);
  });

  it('keeps every datagram within the configured MTU (none oversize at a 1250-byte link)', async () => {
    const pair = createMemoryLinkPair({ conditions: { mtu: 1250 } });
    let largest = 0;
    for (const c of [pair.a, pair.b]) {
      const send = c.send.bind(c);
      c.send = (d, to) => ((largest = Math.max(largest, d.length)), send(d, to));
    }
    const listener = new QuicListener({ conn: pair.b, identity: RIGHT, mtu: 1250 });
    echoServer(listener);
    const client = await QuicSession.connect({ conn: pair.a, remote: pair.bEndpoint, identity: RIGHT, mtu: 1250 });
    cleanups.push(() => client.close(), () => listener.close());
    const stream = client.openStream();
    const data = patternBytes(200_000, 7);
    stream.end(data);
    expect(sha256(await readAll(stream))).toBe(sha256(data));
    expect(pair.network.stats.oversize).toBe(0);
    expect(largest).toBeLessThanOrEqual(1250);
    expect(largest).toBeGreaterThanOrEqual(1200);
  });

  it('recovers from 5% loss, reordering and duplication', async () => {
    const { a, b, bEndpoint, network } = createMemoryLinkPair({ seed: 5, conditions: { loss: 0.05, reorder: 0.05, duplicate: 0.02, delayMs: 2, jitterMs: 2 } });
    const listener = new QuicListener({ conn: b, identity: RIGHT });
    echoServer(listener);
    const client = await QuicSession.connect({ conn: a, remote: bEndpoint, identity: RIGHT });
    cleanups.push(() => client.close(), () => listener.close());
    const stream = client.openStream();
    const data = patternBytes(500_000, 3);
    stream.end(data);
    expect(sha256(await readAll(stream))).toBe(sha256(data));
    expect(network.stats.lost).toBeGreaterThan(0);
  });

  it('a client with the wrong secret gets no session, and the server reports it', async () => {
    const { a, b, bEndpoint } = createMemoryLinkPair();
    const listener = new QuicListener({ conn: b, identity: RIGHT });
    cleanups.push(() => listener.close());
    const sessions: QuicSession[] = [];
    listener.on('session', (s) => sessions.push(s));
    const rejected = new Promise<QuicRejection>((r) => listener.once('rejected', r));
    const client = QuicSession.dial({ conn: a, remote: bEndpoint, identity: WRONG });
    cleanups.push(() => client.close());
    await expect(client.ready).rejects.toMatchObject({ code: 'PAQET_ERR_QUIC_AUTH' });
    const r = await rejected;
    // The client meets the server's certificate first and refuses it; either way no tunnel.
    expect(r.info.auth).not.toBeNull();
    expect(r.remote.port).toBe(40000);
    expect(client.closeDetails?.auth).not.toBeNull();
    expect(sessions).toHaveLength(0);
    expect(listener.sessionCount).toBe(0);
  });

  it('a client refuses a server without the secret', async () => {
    const { a, b, bEndpoint } = createMemoryLinkPair();
    const listener = new QuicListener({ conn: b, identity: WRONG });
    const sessions: QuicSession[] = [];
    listener.on('session', (s) => sessions.push(s));
    cleanups.push(() => listener.close());
    const client = QuicSession.dial({ conn: a, remote: bEndpoint, identity: RIGHT });
    cleanups.push(() => client.close());
    await expect(client.ready).rejects.toMatchObject({ code: 'PAQET_ERR_QUIC_AUTH' });
    expect(client.closeDetails?.auth).toBe('local');
    expect(sessions).toHaveLength(0);
  });

  it('insecure mode (the fork\'s): works both ways only when both ends are insecure', async () => {
    const { a, b, bEndpoint } = createMemoryLinkPair();
    const listener = new QuicListener({ conn: b, insecure: true });
    echoServer(listener);
    cleanups.push(() => listener.close());
    const client = await QuicSession.connect({ conn: a, remote: bEndpoint, insecure: true });
    cleanups.push(() => client.close());
    const s = client.openStream();
    s.end('hi');
    expect(String(await readAll(s))).toBe('hi');

    const secure = createMemoryLinkPair();
    const secureListener = new QuicListener({ conn: secure.b, identity: RIGHT });
    cleanups.push(() => secureListener.close());
    const insecureClient = QuicSession.dial({ conn: secure.a, remote: secure.bEndpoint, insecure: true });
    cleanups.push(() => insecureClient.close());
    const rejected = new Promise<QuicRejection>((r) => secureListener.once('rejected', r));
    await expect(insecureClient.ready).rejects.toMatchObject({ code: 'PAQET_ERR_QUIC_AUTH' });
    expect((await rejected).info.auth).toBe('local');
    expect((await rejected).reason).toMatch(/no certificate/);
  });

  it('an insecure client takes a fork-style server (RSA-2048, self-signed, no subject); a client with a secret refuses it', async () => {
    const forkCert = forkStyleIdentity();
    const { a, b, bEndpoint } = createMemoryLinkPair({ conditions: { mtu: 1280 } });
    const listener = new QuicListener({ conn: b, insecure: true, identity: forkCert });
    echoServer(listener);
    cleanups.push(() => listener.close());
    const client = await QuicSession.connect({ conn: a, remote: bEndpoint, insecure: true, serverName: 'paqet' });
    cleanups.push(() => client.close());
    const s = client.openStream();
    const data = patternBytes(100_000, 3);
    s.end(data);
    expect(sha256(await readAll(s))).toBe(sha256(data));

    const other = createMemoryLinkPair();
    const forkListener = new QuicListener({ conn: other.b, insecure: true, identity: forkCert });
    cleanups.push(() => forkListener.close());
    const keyed = QuicSession.dial({ conn: other.a, remote: other.bEndpoint, identity: RIGHT });
    cleanups.push(() => keyed.close());
    await expect(keyed.ready).rejects.toMatchObject({ code: 'PAQET_ERR_QUIC_AUTH', message: expect.stringMatching(/signature algorithm/) });
  });

  it('an insecure listener with an identity: keyed clients still check it, insecure (fork) clients get in too', async () => {
    const network = new MemoryNetwork();
    const serverConn = network.bind({ address: '10.0.0.1', port: 9999 });
    const listener = new QuicListener({ conn: serverConn, identity: RIGHT, insecure: true });
    echoServer(listener);
    cleanups.push(() => listener.close());
    const remote = { address: '10.0.0.1', port: 9999 };
    for (const auth of [{ identity: RIGHT }, { insecure: true }]) {
      const client = await QuicSession.connect({ conn: network.bind({ address: '10.0.0.2' }), remote, ...auth, ownsConn: true });
      cleanups.push(() => client.close());
      const s = client.openStream();
      s.end('both');
      expect(String(await readAll(s))).toBe('both');
    }
    const wrong = QuicSession.dial({ conn: network.bind({ address: '10.0.0.3' }), remote, identity: WRONG, ownsConn: true });
    cleanups.push(() => wrong.close());
    await expect(wrong.ready).rejects.toMatchObject({ code: 'PAQET_ERR_QUIC_AUTH' });
  });

  it('a reader that pauses and resumes releases flow-control credit at once (the window update is sent without waiting for other traffic)', async () => {
    const { a, b, bEndpoint } = createMemoryLinkPair({ conditions: { mtu: 1280 } });
    // Small windows and no keep-alive: nothing but the reader's progress can reopen the window.
    const settings = { initialStreamReceiveWindow: 256 * 1024, maxStreamReceiveWindow: 256 * 1024, initialConnectionReceiveWindow: 512 * 1024, maxConnectionReceiveWindow: 512 * 1024, keepAlivePeriodMs: 0 };
    const listener = new QuicListener({ conn: b, identity: RIGHT, ...settings });
    const client = await QuicSession.connect({ conn: a, remote: bEndpoint, identity: RIGHT, ...settings });
    cleanups.push(() => client.close(), () => listener.close());
    const server = (await listener.accept())!;
    const data = patternBytes(4 << 20, 13);
    const s = client.openStream();
    s.end(data);
    const st = (await server.acceptStream())!;
    const parts: Buffer[] = [];
    let got = 0;
    const started = Date.now();
    await new Promise<void>((resolve, reject) => {
      st.on('data', (d: Buffer) => {
        parts.push(d);
        const before = got;
        got += d.length;
        // Stop after every 300 KB (more than the window), long enough for the sender to run dry.
        if (Math.floor(before / 300_000) !== Math.floor(got / 300_000)) {
          st.pause();
          setTimeout(() => st.resume(), 50);
        }
      });
      st.once('end', resolve);
      st.once('error', reject);
    });
    expect(sha256(Buffer.concat(parts))).toBe(sha256(data));
    // 14 pauses of 50 ms; stalls waiting for some other packet to carry the update would take seconds each.
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 60_000);

  it('a paused reader and a blocked writer do not make every pass ask quiche for its stream lists (each answer lingers until a full GC); new streams are still taken on', async () => {
    const { a, b, bEndpoint } = createMemoryLinkPair({ conditions: { mtu: 1280 } });
    const settings = { initialStreamReceiveWindow: 1 << 20, initialConnectionReceiveWindow: 4 << 20, keepAlivePeriodMs: 0 };
    const listener = new QuicListener({ conn: b, identity: RIGHT, ...settings });
    const client = await QuicSession.connect({ conn: a, remote: bEndpoint, identity: RIGHT, ...settings });
    cleanups.push(() => client.close(), () => listener.close());
    const server = (await listener.accept())!;
    // Stream 0: more than the window, and the server does not read it yet: its reader is paused
    // (quiche keeps it readable) and the client's writer is blocked (waiting for room).
    const bulk = patternBytes(3 << 20, 21);
    const upload = client.openStream();
    upload.end(bulk);
    const held = (await server.acceptStream())!;
    server.on('stream', (st) => st.pipe(st)); // a later stream echoes
    const echo = client.openStream();
    const roundTrip = (msg: string) => new Promise<string>((resolve) => {
      echo.once('data', (d: Buffer) => resolve(String(d)));
      echo.write(msg);
    });
    expect(await roundTrip('new stream taken on')).toBe('new stream taken on');
    await new Promise((r) => setTimeout(r, 200));
    const before = { c: client.stats(), s: server.stats() };
    const started = performance.now();
    // Meanwhile, round trips on the echo stream keep both sessions passing.
    for (let i = 0; i < 200; i++) expect(await roundTrip(`ping ${i}`)).toBe(`ping ${i}`);
    const elapsedMs = performance.now() - started;
    const after = { c: client.stats(), s: server.stats() };
    const passes = { c: after.c.passes - before.c.passes, s: after.s.passes - before.s.passes };
    const scans = { c: after.c.streamScans - before.c.streamScans, s: after.s.streamScans - before.s.streamScans };
    expect(passes.c).toBeGreaterThan(200);
    expect(passes.s).toBeGreaterThan(200);
    // Before, both were about one per pass: the server for its paused reader, the client for its blocked writer.
    // Now the client needs none, and the server one per READABLE_RESCAN_MS (10 ms) at most.
    expect(scans.c).toBeLessThan(passes.c / 4);
    expect(scans.s).toBeLessThan(passes.s / 4);
    expect(scans.s).toBeLessThanOrEqual(elapsedMs / 10 + 5);
    // The held stream still delivers everything once read, and the blocked writer finishes.
    echo.end();
    expect(sha256(await readAll(held))).toBe(sha256(bulk));
  }, 60_000);

  it('a stream whose first frame arrives after a higher stream\'s is still taken on and delivered (quiche has it only then)', async () => {
    const { a, b, bEndpoint } = createMemoryLinkPair({ conditions: { mtu: 1280 } });
    const listener = new QuicListener({ conn: b, identity: RIGHT });
    echoServer(listener);
    const client = await QuicSession.connect({ conn: a, remote: bEndpoint, identity: RIGHT });
    cleanups.push(() => client.close(), () => listener.close());
    const first = client.openStream(); // gets id 0 but sends nothing yet: no frame for it
    const second = client.openStream();
    second.end('four');
    expect(String(await readAll(second))).toBe('four');
    expect([first.id, second.id]).toEqual([0, 4]);
    first.end('zero, later');
    expect(String(await readAll(first))).toBe('zero, later');
  });

  it('a write-only stream is let go once the peer resets it, if its read side is drained (what paqet\'s TCPF and probe streams do)', async () => {
    const { a, b, bEndpoint } = createMemoryLinkPair({ conditions: { mtu: 1280 } });
    const listener = new QuicListener({ conn: b, identity: RIGHT });
    // The server reads each stream to its end and then resets it, as paqet's server does with TCPF.
    listener.on('session', (s) => s.on('stream', (st) => st.on('data', () => {}).once('end', () => st.destroy())));
    const client = await QuicSession.connect({ conn: a, remote: bEndpoint, identity: RIGHT });
    cleanups.push(() => client.close(), () => listener.close());
    const closed = Array.from({ length: 20 }, (_, i) => {
      const st = client.openStream();
      st.on('error', () => {});
      if (i % 2 === 0) st.resume(); // drained: noticed; the others are never read
      st.end('flags');
      return i % 2 === 0 ? new Promise((r) => st.once('close', r)) : null;
    });
    await Promise.all(closed.filter(Boolean));
    expect(client.stats().streams).toBe(10); // only the undrained ones are still held
  });

  it('open idle streams cost nothing: no polling while nothing happens (it used to spin on writable streams)', async () => {
    const { a, b, bEndpoint } = createMemoryLinkPair({ conditions: { mtu: 1280 } });
    const listener = new QuicListener({ conn: b, identity: RIGHT, keepAlivePeriodMs: 0 });
    const serverSession = listener.accept();
    const client = await QuicSession.connect({ conn: a, remote: bEndpoint, identity: RIGHT, keepAlivePeriodMs: 0 });
    cleanups.push(() => client.close(), () => listener.close());
    const server = (await serverSession)!;
    const streams = Array.from({ length: 3 }, () => client.openStream());
    const echoes = streams.map(async (st) => {
      st.write('x');
      await new Promise((resolve) => st.once('data', resolve));
    });
    server.on('stream', (st) => st.once('data', (d: Buffer) => st.write(d)));
    await Promise.all(echoes);
    // Let acknowledgements settle, then watch both ends while their streams stay open and quiet.
    await new Promise((r) => setTimeout(r, 300));
    const before = [client.stats().passes, server.stats().passes];
    await new Promise((r) => setTimeout(r, 1000));
    const after = [client.stats().passes, server.stats().passes];
    // Only quiche's own timers (delayed ACKs, loss probes) may wake a quiet session.
    expect(after[0]! - before[0]!).toBeLessThan(10);
    expect(after[1]! - before[1]!).toBeLessThan(10);
  });

  it('paced (pacing: true) over a delayed, lossy link with BBR (the default), delivers intact, then sleeps', async () => {
    const { a, b, bEndpoint } = createMemoryLinkPair({ seed: 3, conditions: { mtu: 1280, delayMs: 10, loss: 0.02 } });
    const listener = new QuicListener({ conn: b, identity: RIGHT, keepAlivePeriodMs: 0, pacing: true });
    const serverSession = listener.accept();
    const client = await QuicSession.connect({ conn: a, remote: bEndpoint, identity: RIGHT, keepAlivePeriodMs: 0 });
    cleanups.push(() => client.close(), () => listener.close());
    const server = (await serverSession)!;
    expect(server.settings).toMatchObject({ congestion: 'bbr', pacing: true });
    expect(client.settings).toMatchObject({ congestion: 'bbr', pacing: false });
    const data = patternBytes(3_000_000, 9);
    server.on('stream', (st) => {
      st.resume();
      st.end(data);
    });
    const stream = client.openStream();
    stream.write('go');
    const received = await readAll(stream);
    expect(sha256(received)).toBe(sha256(data));
    const s = server.stats();
    expect(s.lost).toBeGreaterThan(0);
    expect(s.pacingRate).toBeGreaterThan(0);
    expect(client.stats().pacingRate).toBe(0);
    // Pace timers run only while quiche has datagrams waiting: once everything is acknowledged, nothing polls.
    await new Promise((r) => setTimeout(r, 500));
    const before = server.stats().passes;
    await new Promise((r) => setTimeout(r, 1000));
    expect(server.stats().passes - before).toBeLessThan(10);
  });

  it('congestion: cubic or reno works too; an unknown controller is refused', async () => {
    for (const congestion of ['cubic', 'reno'] as const) {
      const { a, b, bEndpoint } = createMemoryLinkPair({ conditions: { mtu: 1280, delayMs: 2 } });
      const listener = new QuicListener({ conn: b, identity: RIGHT, congestion, pacing: false });
      echoServer(listener);
      const client = await QuicSession.connect({ conn: a, remote: bEndpoint, identity: RIGHT, congestion, pacing: false });
      cleanups.push(() => client.close(), () => listener.close());
      const stream = client.openStream();
      const data = patternBytes(500_000, 4);
      stream.end(data);
      expect(sha256(await readAll(stream))).toBe(sha256(data));
      expect(client.stats().pacingRate).toBe(0);
    }
    const { a, bEndpoint } = createMemoryLinkPair();
    expect(() => QuicSession.dial({ conn: a, remote: bEndpoint, identity: RIGHT, congestion: 'vegas' as 'bbr' })).toThrow(/unknown QUIC congestion controller "vegas"/);
  });

  it('close with a reason reaches the peer and ends its streams', async () => {
    const { a, b, bEndpoint } = createMemoryLinkPair();
    const listener = new QuicListener({ conn: b, identity: RIGHT });
    cleanups.push(() => listener.close());
    const serverSession = new Promise<QuicSession>((r) => listener.once('session', r));
    const client = await QuicSession.connect({ conn: a, remote: bEndpoint, identity: RIGHT });
    const server = await serverSession;
    const closed = new Promise<string>((r) => server.once('close', r));
    client.close('bye now');
    expect(await closed).toBe('bye now');
    expect(server.closeDetails?.byPeer).toBe(true);
    expect(() => client.openStream()).toThrow(/closed/);
  });
});

describe('QuicSession over UDP', () => {
  it('moves 4 MB each way on one stream and 20 parallel streams, by sha256', async () => {
    const serverConn: PacketConn & { localEndpoint: { port: number } } = await UdpPacketConn.bind({ host: '127.0.0.1' });
    const clientConn = await UdpPacketConn.bind({ host: '127.0.0.1' });
    const listener = new QuicListener({ conn: serverConn, identity: RIGHT, ownsConn: true });
    echoServer(listener);
    const client = await QuicSession.connect({ conn: clientConn, remote: { address: '127.0.0.1', port: serverConn.localEndpoint.port }, identity: RIGHT, ownsConn: true });
    cleanups.push(() => client.close(), () => listener.close());
    const big = patternBytes(4 * 1024 * 1024, 11);
    const one = client.openStream();
    one.end(big);
    const many = Array.from({ length: 20 }, (_, i) => {
      const s = client.openStream();
      const d = patternBytes(50_000 + i, i + 100);
      s.end(d);
      return readAll(s).then((got) => expect(sha256(got)).toBe(sha256(d)));
    });
    expect(sha256(await readAll(one))).toBe(sha256(big));
    await Promise.all(many);
  });
});
