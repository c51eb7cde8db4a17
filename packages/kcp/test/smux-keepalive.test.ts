import { describe, expect, it } from 'vitest';
import { VirtualClock, createMemoryLinkPair } from '@paqet/testkit';
import { SmuxSession, connect, createServer, deriveKey } from '@paqet/kcp';
import { duplexPair } from './helpers/duplex-pipe.js';

describe('smux keepalive', () => {
  it('closes a silent peer after the keepalive timeout (8-16 s), and stays up while NOPs flow', async () => {
    const clock = new VirtualClock();
    const link = createMemoryLinkPair({ seed: 3, scheduler: clock, conditions: { delayMs: 20 } });
    const key = deriveKey('ka');
    const listener = createServer({ block: 'aes', key, clock, sndwnd: 128, rcvwnd: 512 }).listen({ conn: link.b });
    let server: SmuxSession | undefined;
    let closedAt = -1;
    let reason = '';
    let code = '';
    listener.on('session', (s) => {
      server = SmuxSession.server(s, { clock });
      server.on('close', (r) => ((closedAt = clock.now()), (reason = r.message), (code = r.code)));
    });
    const kcp = connect({ conn: link.a, remote: link.bEndpoint, block: 'aes', key, clock });
    const client = SmuxSession.client(kcp, { clock });
    client.openStream().write('x');
    await clock.advance(30_000); // NOPs every 2 s keep both alive
    expect(server).toBeDefined();
    expect(server!.closed).toBe(false);
    expect(client.closed).toBe(false);
    const silentFrom = clock.now();
    link.network.setConditions({ loss: 1 }); // the peer goes silent
    await clock.advance(20_000);
    expect(server!.closed).toBe(true);
    expect(code).toBe('PAQET_ERR_SMUX_KEEPALIVE_TIMEOUT');
    expect(reason).toMatch(/keepalive timeout/);
    expect(closedAt - silentFrom).toBeGreaterThanOrEqual(8000);
    expect(closedAt - silentFrom).toBeLessThanOrEqual(16_500);
    expect(client.closed).toBe(true);
    expect(kcp.destroyed).toBe(true);
    expect(listener.sessionCount).toBe(0);
    listener.close();
  });

  it('NOP bytes are 02 03 0000 00000000', async () => {
    const clock = new VirtualClock();
    const [ta] = duplexPair();
    const client = SmuxSession.client(ta, { clock });
    await clock.advance(2100);
    expect(ta.written.map((b) => b.toString('hex'))).toContain('0203000000000000');
    client.close();
  });
});
