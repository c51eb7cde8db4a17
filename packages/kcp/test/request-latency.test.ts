/**
 * Small requests under KCP's write delay (mode 'fast', no ackNoDelay): a write made when
 * everything written before has already left goes out at the end of the turn, even while
 * earlier segments (a stream's SYN, a window update, a FIN) still wait for their ACK, which
 * the peer only sends with its own 30 ms tick. Nothing on the wire changes but the timing.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock, createMemoryLinkPair } from '@paqet/testkit';
import { SmuxSession, connect, createServer, deriveKey, type KcpSession, type SmuxStream } from '@paqet/kcp';
import { parseSegments } from '@paqet/kcp/core';

const ONE_WAY_MS = 1;
const DIAL_MS = 1;

describe('request latency under write delay', () => {
  it('sequential request/response exchanges on fresh smux streams each take a round trip and the dial, not waiting for a tick', async () => {
    const clock = new VirtualClock();
    const link = createMemoryLinkPair({ seed: 21, scheduler: clock, conditions: { loss: 0, delayMs: ONE_WAY_MS } });
    const key = deriveKey('request-latency');
    const listener = createServer({ block: 'aes', key, clock, mode: 'fast' }).listen({ conn: link.b });
    let serverKcp: KcpSession | undefined;
    listener.on('session', (s: KcpSession) => {
      serverKcp = s;
      // An echo server whose answer takes a moment (a proxy dialing its target): reading
      // the request sends a window update (smux v2) at once, and the answer follows it while
      // the update is still unacknowledged.
      SmuxSession.server(s, { clock }).on('stream', (st: SmuxStream) => {
        st.on('data', (d: Buffer) => void clock.setTimeout(() => st.end(Buffer.concat([Buffer.from('re:'), d])), DIAL_MS));
      });
    });
    const kcp = connect({ conn: link.a, remote: link.bEndpoint, block: 'aes', key, clock, mode: 'fast' });
    const client = SmuxSession.client(kcp, { clock });
    const elapsed: number[] = [];
    for (let i = 0; i < 12; i++) {
      const t0 = clock.now();
      const st = client.openStream();
      let reply = '';
      st.on('data', (d: Buffer) => (reply += d.toString()));
      st.write(`request ${i}`);
      expect(await clock.runUntil(() => reply === `re:request ${i}`, 1000)).toBe(true);
      elapsed.push(clock.now() - t0);
      st.destroy();
      // The next request comes a little later, while this one's FIN and ACKs are still under way.
      await clock.advance(ONE_WAY_MS);
    }
    // The first exchange also brings the session up; every one after it is a round trip plus the dial.
    // (Before this held, the answer waited behind the unacknowledged update: 5 ms each here.)
    expect(elapsed.slice(1)).toEqual(elapsed.slice(1).map(() => 2 * ONE_WAY_MS + DIAL_MS));
    client.close();
    serverKcp?.destroy();
    listener.close();
  });

  it('a write while an earlier segment is unacknowledged leaves in the same turn; writes of one turn still share a segment', async () => {
    const clock = new VirtualClock();
    const link = createMemoryLinkPair({ seed: 22, scheduler: clock, conditions: { loss: 0, delayMs: ONE_WAY_MS } });
    const pushes: number[][] = [];
    link.b.onDatagram((d) => pushes.push(parseSegments(d).segments.filter((s) => s.cmd === 81).map((s) => s.sn)));
    // No peer answers: sn 0 stays unacknowledged throughout.
    const kcp = connect({ conn: link.a, remote: link.bEndpoint, block: 'null', clock, conv: 9, mode: 'fast' });
    await clock.advance(1);
    kcp.write(Buffer.from('first'));
    await clock.advance(2);
    expect(pushes.flat()).toEqual([0]);
    kcp.write(Buffer.from('second-'));
    kcp.write(Buffer.from('part'));
    await clock.advance(2); // far less than the 30 ms interval
    expect(pushes.flat()).toEqual([0, 1]); // stream mode: one segment carries both writes
    kcp.destroy();
  });
});
