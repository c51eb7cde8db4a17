/**
 * The server's per-stream handling in both header kinds, each answered in its
 * own kind: PING gets a PONG of the same kind, TCPF sets the per-client flags
 * (an empty list clears for binary clients and is ignored for gob clients, as
 * the fork's server does), TUN is refused, and a TCP stream whose gob header
 * arrives in the fork's five writes relays to a real local TCP server.
 */
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectDialer, PolicyDialer, TargetPolicy } from '@paqet/proxy';
import { encodeGobStreamMessage, encodeStreamHeader, FlagSelector, type GobStreamMessage, type StreamHeaderKind } from '@paqet/wire';
import { handleStream, type ServerCounters, type StreamHandlerDeps } from '../src/daemon/stream-handler.js';
import { Logger } from '../src/log/logger.js';
import { RateLimitedLog } from '../src/log/rate-limit.js';

const REMOTE = { address: '10.200.1.1', port: 40000 };

/** The server end of a stream: what the test pushes is what the client sent; writes are collected. */
class TestStream extends Duplex {
  readonly id = 9;
  readonly written: Buffer[] = [];
  override _read(): void {}
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.written.push(chunk);
    cb();
  }
  get output(): Buffer {
    return Buffer.concat(this.written);
  }
}

function setup() {
  const lines: string[] = [];
  const flags = new FlagSelector();
  const counters: ServerCounters = { sessions: 0, streams: 0, pings: 0, tcpf: 0, tcp: 0, udp: 0, emptyStreams: 0, badHeaders: 0, gobHeaders: 0, dialFailures: 0, denied: 0, relayErrors: 0, rejected: 0 };
  const logger = new Logger('debug', { write: (s) => void lines.push(s) });
  const deps: StreamHandlerDeps = {
    logger, counters, dialer: new DirectDialer({ timeoutMs: 2000 }), signal: new AbortController().signal,
    flags: { setRemoteFlags: (r, f) => flags.setPeerFlags(r, f), clearRemoteFlags: (r) => void flags.deletePeerFlags(r) },
    denials: new RateLimitedLog(logger, 'denied streams'),
  };
  const run = async (chunks: Uint8Array[], end = true) => {
    const stream = new TestStream();
    const done = handleStream(stream, REMOTE, '10.200.1.1:40000', deps);
    for (const c of chunks) stream.push(Buffer.from(c));
    if (end) stream.push(null);
    await done;
    return stream;
  };
  const send = (kind: StreamHeaderKind, m: GobStreamMessage) => run([encodeStreamHeader(kind, m)]);
  return { lines, flags, counters, logger, deps, run, send };
}

describe('one server, both kinds of client', () => {
  it('PING is answered with a PONG of its own kind', async () => {
    const t = setup();
    expect((await t.send('gob', { type: 'ping' })).output).toEqual(Buffer.from(encodeGobStreamMessage({ type: 'pong' })));
    expect((await t.send('binary', { type: 'ping' })).output).toEqual(Buffer.from([0x50, 0x01, 0x02, 0x00, 0x00]));
    expect(t.counters).toMatchObject({ pings: 2, gobHeaders: 1, badHeaders: 0 });
  });

  it('TCPF: both kinds install the list; an empty list clears for binary, is ignored for gob', async () => {
    const t = setup();
    await t.send('gob', { type: 'tcpf', flags: [0x02, 0x18] });
    expect(t.flags.peerFlags(REMOTE)).toEqual([0x02, 0x18]);
    await t.send('gob', { type: 'tcpf', flags: [] });
    expect(t.flags.peerFlags(REMOTE)).toEqual([0x02, 0x18]);
    await t.send('binary', { type: 'tcpf', flags: [0x10] });
    expect(t.flags.peerFlags(REMOTE)).toEqual([0x10]);
    await t.send('binary', { type: 'tcpf', flags: [] });
    expect(t.flags.peerFlags(REMOTE)).toBeNull();
    expect(t.counters.tcpf).toBe(4);
  });

  it('TUN (gob only) is refused and logged', async () => {
    const t = setup();
    const s = await t.send('gob', { type: 'tun' });
    expect(s.destroyed).toBe(true);
    expect(s.output.length).toBe(0);
    t.logger.flush();
    expect(t.lines.join('')).toContain('[ERROR] TUN stream 9 from 10.200.1.1:40000 refused: this server has no TUN mode');
    expect(t.counters.badHeaders).toBe(1);
  });

  it('a malformed gob header closes the stream and is logged with what failed', async () => {
    const t = setup();
    const bad = encodeGobStreamMessage({ type: 'ping' });
    bad[bad.length - 2] = 9;
    const s = await t.run([bad], false);
    expect(s.destroyed).toBe(true);
    t.logger.flush();
    expect(t.lines.join('')).toContain('failed to read protocol message from stream 9: type: unknown message type (got 9)');
    expect(t.counters.badHeaders).toBe(1);
  });

  describe('TCP relay with a gob header in the fork\'s five writes', () => {
    let target: Server;
    let port: number;
    beforeAll(async () => {
      // Answers the first line it gets, then closes.
      target = createServer((sock) => sock.once('data', (d) => sock.end(`echo:${d.toString()}`)));
      target.listen(0, '127.0.0.1');
      await once(target, 'listening');
      port = (target.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((r) => target.close(() => r())));

    it('the relay bytes after the header reach the target and its answer comes back', async () => {
      const t = setup();
      const header = encodeGobStreamMessage({ type: 'tcp', host: '127.0.0.1', port });
      const writes = [header.subarray(0, 49), header.subarray(49, 86), header.subarray(86, 113), header.subarray(113, 203), header.subarray(203)];
      const stream = new TestStream();
      const done = handleStream(stream, REMOTE, '10.200.1.1:40000', t.deps);
      for (const w of writes) stream.push(Buffer.from(w));
      stream.push(Buffer.from('hello'));
      await done;
      expect(stream.output.toString()).toBe('echo:hello');
      expect(t.counters).toMatchObject({ tcp: 1, gobHeaders: 1, dialFailures: 0 });
    });

    it('the targets policy refuses the same target in both kinds: closed, counted, logged as a denial', async () => {
      const t = setup();
      const deps = { ...t.deps, dialer: new PolicyDialer({ policy: new TargetPolicy({ deny: [`127.0.0.0/8:${port}`] }), dialer: t.deps.dialer }) };
      for (const kind of ['gob', 'binary'] as const) {
        const stream = new TestStream();
        const done = handleStream(stream, REMOTE, '10.200.1.1:40000', deps);
        stream.push(Buffer.from(encodeStreamHeader(kind, { type: 'tcp', host: '127.0.0.1', port })));
        stream.push(Buffer.from('hello'));
        await done;
        expect(stream.output.length).toBe(0);
        expect(stream.destroyed).toBe(true);
      }
      expect(t.counters).toMatchObject({ tcp: 2, denied: 2, dialFailures: 0 });
      t.logger.flush();
      const denied = `[WARN] denied TCP stream 9: 10.200.1.1:40000 -> 127.0.0.1:${port}: dial 127.0.0.1:${port}: denied by rule 127.0.0.0/8:${port}\n`;
      expect(t.lines.join('').split(denied).length - 1).toBe(2);
    });
  });
});
