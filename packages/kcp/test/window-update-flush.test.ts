/**
 * smux window updates leave at once even under KCP's write delay (mode
 * 'fast'), so a sender blocked on the stream window is not held for a whole
 * flush interval. Nothing on the wire changes but the timing.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock, createMemoryLinkPair } from '@paqet/testkit';
import { SmuxSession, connect, type SmuxStream } from '@paqet/kcp';
import { parseSegments } from '@paqet/kcp/core';
import { duplexPair } from './helpers/duplex-pipe.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('window updates are flushed at once', () => {
  for (const flushWindowUpdates of [true, false]) {
    it(`smux calls transport.flush() after writing a UPD: ${flushWindowUpdates}`, async () => {
      const [ta, tb] = duplexPair();
      const client = SmuxSession.client(ta);
      const server = SmuxSession.server(tb, { flushWindowUpdates });
      const got = new Promise<SmuxStream>((r) => server.on('stream', r));
      client.openStream().write('hello');
      const ss = await got;
      const data = new Promise((r) => ss.once('data', r));
      await data; // the first read sends a UPD (docs/protocol/smux.md, section 3)
      await tick();
      const upd = tb.written.filter((b) => b[1] === 4);
      expect(upd.length).toBe(1);
      expect(tb.flushes).toBe(flushWindowUpdates ? 1 : 0);
      expect(ta.flushes).toBe(0); // the writer side sent no UPD
      client.close();
      server.close();
    });
  }

  for (const fitStreamWindow of [false, true]) {
    it(`fitStreamWindow ${fitStreamWindow}: the UPD advertises ${fitStreamWindow ? "the transport's fitted receive window" : 'maxStreamBuffer'}`, async () => {
      const [ta, tb] = duplexPair();
      Object.assign(tb, { receiveWindowBytes: () => 9_000_000 });
      const client = SmuxSession.client(ta);
      const server = SmuxSession.server(tb, { fitStreamWindow });
      const got = new Promise<SmuxStream>((r) => server.on('stream', r));
      client.openStream().write('hello');
      const ss = await got;
      await new Promise((r) => ss.once('data', r));
      await tick();
      const upd = tb.written.filter((b) => b[1] === 4);
      expect(upd.length).toBe(1);
      // UPD payload: consumed u32 LE, window u32 LE (after the 8-byte frame header).
      expect(upd[0]!.readUInt32LE(12)).toBe(fitStreamWindow ? 9_000_000 : 2097152);
      client.close();
      server.close();
    });
  }

  it("KcpSession.flush() hands data queued under 'fast' write delay to the conn at once", async () => {
    const clock = new VirtualClock();
    const link = createMemoryLinkPair({ seed: 5, scheduler: clock, conditions: { loss: 0, delayMs: 1 } });
    const pushes: number[] = [];
    const send = link.a.send.bind(link.a);
    link.a.send = (d, to) => {
      for (const seg of parseSegments(d).segments) if (seg.cmd === 81) pushes.push(seg.sn);
      send(d, to);
    };
    const kcp = connect({ conn: link.a, remote: link.bEndpoint, block: 'null', clock, conv: 7, mode: 'fast' });
    await clock.advance(1); // the session's first update
    kcp.write(Buffer.from('queued')); // write delay: the end of this turn at the earliest
    expect(pushes).toEqual([]);
    kcp.flush();
    expect(pushes).toEqual([0]);
    kcp.destroy();
  });
});
