/**
 * The Transport compliance suite: the same vitest tests for every transport
 * (KCP+smux, QUIC) over every PacketConn (memory link, UDP, pcap).
 *
 *   describeTransportCompliance('quic over udp', async () => ({ client, server, silenceServer, cleanup }));
 *
 * `client` opened `server` (the server side's Transport for that connection).
 * `silenceServer` makes the server vanish without a word (its datagrams stop
 * both ways), for the peer-gone test.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Transport, TransportStream } from '@paqet/wire';

export interface TransportPair {
  client: Transport;
  server: Transport;
  /** Make the server side silent (no datagrams in or out) without closing anything. */
  silenceServer: () => void | Promise<void>;
  cleanup: () => void | Promise<void>;
}

/** A pair whose cleanup closes the client, then each of `also` (the listener, say). */
export function transportPair(client: Transport, server: Transport, silenceServer: () => void | Promise<void>, ...also: { close(): void }[]): TransportPair {
  return {
    client,
    server,
    silenceServer,
    cleanup: () => {
      client.close();
      for (const c of also) c.close();
    },
  };
}

export interface TransportComplianceOptions {
  /** Concurrent streams in the many-streams test (default 1000). */
  streams?: number;
  /** Bytes in the ordering test, each way (default 2 MiB). */
  bulkBytes?: number;
  /** Per-test time limit in ms (default 60 s). */
  timeoutMs?: number;
  /** How long the client may take to notice a silent server, ms (default 30 s). */
  peerGoneMs?: number;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function pattern(n: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

function readAll(stream: TransportStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

/** Resolves once `stream` has delivered at least `n` bytes. */
function received(stream: TransportStream, n: number): Promise<void> {
  return new Promise((resolve) => {
    let got = 0;
    const onData = (c: Buffer) => {
      got += c.length;
      if (got < n) return;
      stream.off('data', onData);
      resolve();
    };
    stream.on('data', onData);
  });
}

/**
 * Writes `data` in uneven pieces, honouring backpressure; resolves after end() completes.
 * `endAfter`: end only once it resolves too (where FIN closes both ways, a side may end
 * only after it has everything the other side sends).
 */
async function writeInPieces(stream: TransportStream, data: Buffer, seed: number, endAfter?: Promise<void>): Promise<void> {
  let off = 0;
  let x = seed;
  while (off < data.length) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const n = Math.min(data.length - off, 1 + (x % 40_000));
    if (!stream.write(data.subarray(off, off + n))) await once(stream, 'drain');
    off += n;
  }
  await endAfter;
  await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

function closed(t: Transport): Promise<string> {
  if (t.closed) return Promise.resolve(t.closeReason ?? '');
  return new Promise((resolve) => t.once('close', resolve));
}

/** Resolves when the stream has closed, whether or not it errored first. */
function closedStream(s: TransportStream): Promise<void> {
  return s.closed || s.destroyed ? Promise.resolve() : new Promise((resolve) => s.once('close', () => resolve()));
}

/** The server's next stream, failing the test instead of hanging if the transport closes. */
async function accepted(t: Transport): Promise<TransportStream> {
  const s = await t.acceptStream();
  if (!s) throw new Error(`server transport closed: ${t.closeReason}`);
  return s;
}

/**
 * Echo that works whether or not FIN is a half-close: the client sends a
 * 4-byte length and that many bytes without ending; the server echoes them
 * and ends after the last one.
 */
function echoFramed(s: TransportStream): void {
  let want = -1;
  let head = Buffer.alloc(0);
  let left = 0;
  s.on('data', (d: Buffer) => {
    if (want < 0) {
      head = Buffer.concat([head, d]);
      if (head.length < 4) return;
      want = left = head.readUInt32BE(0);
      d = head.subarray(4);
    }
    const take = d.subarray(0, left);
    left -= take.length;
    // An empty write too (the last data event may carry nothing of this frame): every transport completes it.
    s.write(take);
    if (left === 0) s.end();
  });
}

/** Client side of echoFramed: resolves with what came back. */
async function echoRoundTrip(t: Transport, data: Buffer): Promise<Buffer> {
  const st = t.openStream();
  st.on('error', () => {});
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  st.write(head);
  st.write(data);
  const got = await readAll(st);
  st.end();
  return got;
}

/** Serve every accepted stream with `fn` until the transport closes. */
function serve(t: Transport, fn: (s: TransportStream) => void): void {
  void (async () => {
    for (;;) {
      const s = await t.acceptStream();
      if (!s) return;
      s.on('error', () => {});
      fn(s);
    }
  })();
}

export function describeTransportCompliance(
  name: string,
  factory: () => Promise<TransportPair>,
  options: TransportComplianceOptions = {},
): void {
  const streamCount = options.streams ?? 1000;
  const bulk = options.bulkBytes ?? 2 * 1024 * 1024;
  const timeout = options.timeoutMs ?? 60_000;
  const peerGoneMs = options.peerGoneMs ?? 30_000;

  const withPair = (fn: (p: TransportPair) => Promise<void>) => async () => {
    const pair = await factory();
    try {
      await fn(pair);
    } finally {
      await pair.cleanup();
    }
  };

  describe(`Transport compliance: ${name}`, () => {
    it(
      'delivers bytes in order, both directions at once, by sha256',
      withPair(async ({ client, server }) => {
        const up = pattern(bulk, 1);
        const down = pattern(bulk, 2);
        const c = client.openStream();
        const cRead = readAll(c);
        // With a full-close FIN (smux) each side ends only once it has the other's bytes.
        const cWrite = writeInPieces(c, up, 3, client.halfClose ? undefined : received(c, down.length));
        const s = await accepted(server);
        const sRead = readAll(s);
        const sWrite = writeInPieces(s, down, 4, server.halfClose ? undefined : received(s, up.length));
        const [gotUp, gotDown] = await Promise.all([sRead, cRead, sWrite, cWrite]);
        expect(sha256(gotUp)).toBe(sha256(up));
        expect(sha256(gotDown)).toBe(sha256(down));
      }),
      timeout,
    );

    it(
      'half-close: end() delivers every byte before EOF; the reply direction follows the transport\'s halfClose',
      withPair(async ({ client, server }) => {
        const request = pattern(100_000, 5);
        const c = client.openStream();
        c.on('error', () => {});
        const cRead = readAll(c).catch((e: Error) => e);
        c.end(request);
        const s = await accepted(server);
        expect(sha256(await readAll(s))).toBe(sha256(request));
        const reply = pattern(50_000, 6);
        if (client.halfClose) {
          // Our FIN closed one direction only: the server still answers, then ends.
          s.end(reply);
          const got = await cRead;
          expect(got).toBeInstanceOf(Buffer);
          expect(sha256(got as Buffer)).toBe(sha256(reply));
        } else {
          // FIN is a full close (smux): writing after it fails (Go's smux answers io.EOF).
          const err = await new Promise<Error | null | undefined>((resolve) => s.write(reply, resolve));
          expect(err).toBeInstanceOf(Error);
          expect(err!.message).toMatch(/EOF/);
        }
      }),
      timeout,
    );

    it(
      'backpressure: a reader that stops holds the writer back, and everything arrives once it reads',
      withPair(async ({ client, server }) => {
        const total = 48 * 1024 * 1024;
        const chunk = pattern(64 * 1024, 7);
        const c = client.openStream();
        let taken = 0;
        let stalled = false;
        const writer = (async () => {
          for (let sent = 0; sent < total; sent += chunk.length) {
            if (!c.write(chunk, () => (taken += chunk.length))) {
              stalled = true;
              await once(c, 'drain');
            }
          }
          c.end();
        })();
        const s = await accepted(server);
        s.pause();
        // Let the writer run into the window: wait until its accepted count stops moving.
        let last = -1;
        while (taken !== last) {
          last = taken;
          await new Promise((r) => setTimeout(r, 300));
        }
        expect(stalled).toBe(true);
        expect(taken).toBeLessThan(total / 2);
        let received = 0;
        let bad = 0;
        s.on('data', (d: Buffer) => {
          for (let i = 0; i < d.length; i += 4096) if (d[i] !== chunk[(received + i) % chunk.length]) bad++;
          received += d.length;
        });
        s.resume();
        await Promise.all([once(s, 'end'), writer]);
        expect(received).toBe(total);
        expect(bad).toBe(0);
      }),
      timeout,
    );

    it(
      `carries ${streamCount} concurrent streams, each echoed intact`,
      withPair(async ({ client, server }) => {
        serve(server, echoFramed);
        const results = await Promise.all(
          Array.from({ length: streamCount }, async (_, i) => {
            const data = pattern(1000 + (i % 97), 100 + i);
            return sha256(await echoRoundTrip(client, data)) === sha256(data);
          }),
        );
        expect(results.filter((ok) => !ok)).toHaveLength(0);
      }),
      timeout,
    );

    it(
      'close with streams open: every stream ends, the transport refuses new streams, the peer learns',
      withPair(async ({ client, server }) => {
        serve(server, () => {});
        const streams = Array.from({ length: 10 }, () => {
          const st = client.openStream();
          st.on('error', () => {});
          st.write(pattern(10_000, 9));
          return st;
        });
        const streamsClosed = streams.map(closedStream);
        const serverClosed = closed(server);
        client.close('compliance: closing with streams open');
        expect(client.closed).toBe(true);
        expect(client.closeReason).toBe('compliance: closing with streams open');
        await Promise.all(streamsClosed);
        expect(() => client.openStream()).toThrow();
        await serverClosed;
        expect(server.closed).toBe(true);
      }),
      timeout + peerGoneMs,
    );

    it(
      'peer gone: a silent server is noticed, open streams die, and new streams are refused',
      withPair(async ({ client, server, silenceServer }) => {
        serve(server, echoFramed);
        expect(String(await echoRoundTrip(client, Buffer.from('ping')))).toBe('ping');
        const open = client.openStream();
        open.on('error', () => {});
        open.write('hello?');
        const openClosed = closedStream(open);
        await silenceServer();
        const started = Date.now();
        const reason = await closed(client);
        await openClosed;
        expect(reason.length).toBeGreaterThan(0);
        expect(Date.now() - started).toBeLessThan(peerGoneMs);
        expect(() => client.openStream()).toThrow();
      }),
      timeout + peerGoneMs,
    );
  });
}
