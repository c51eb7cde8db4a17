/** UdpPacketConn bound with `connect`: the dialer's fast path to its one peer. */
import { describe, expect, it } from 'vitest';
import { UdpPacketConn } from '@paqet/kcp/udp';

const waitFor = async (cond: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  return cond();
};

describe('UdpPacketConn connect', () => {
  it('sends to and hears only its peer; other destinations count as send errors', async () => {
    const peer = await UdpPacketConn.bind({ host: '127.0.0.1' });
    const stranger = await UdpPacketConn.bind({ host: '127.0.0.1' });
    const conn = await UdpPacketConn.bind({ host: '127.0.0.1', connect: peer.localEndpoint });
    const atPeer: string[] = [];
    const atConn: string[] = [];
    peer.onDatagram((d, from) => {
      atPeer.push(Buffer.from(d).toString());
      peer.send(Buffer.from('pong'), from);
    });
    conn.onDatagram((d) => atConn.push(Buffer.from(d).toString()));
    const buf = Buffer.from('ping');
    conn.send(buf, peer.localEndpoint);
    buf.fill(0); // the conn copied it: reusing the caller's buffer is safe
    stranger.send(Buffer.from('spoof'), conn.localEndpoint);
    expect(await waitFor(() => atConn.length === 1)).toBe(true);
    await new Promise((r) => setTimeout(r, 30));
    expect(atPeer).toEqual(['ping']);
    expect(atConn).toEqual(['pong']); // the stranger's datagram never arrives
    conn.send(Buffer.from('x'), stranger.localEndpoint);
    expect(conn.counters.sendErrors).toBe(1);
    expect(conn.counters.sent).toBe(1);
    for (const c of [peer, stranger, conn]) c.close();
  });
});
