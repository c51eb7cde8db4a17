import { describe, expect, it } from 'vitest';
import { VirtualClock, createMemoryLinkPair } from '@paqet/testkit';
import { KcpListener, KcpSession, NullCipher, SmuxSession, createDatagramCipher, deriveKey } from '@paqet/kcp';

describe('smux keepalive', () => {
  it('closes a silent peer after the keepalive timeout (8-16 s), and stays up while NOPs flow', async () => {
    const clock = new VirtualClock();
    const link = createMemoryLinkPair({ seed: 3, scheduler: clock, conditions: { delayMs: 20 } });
    const key = deriveKey('ka');
    const listener = new KcpListener({ conn: link.b, createCipher: () => createDatagramCipher('aes', key), clock });
    let server: SmuxSession | undefined;
    let closedAt = -1;
    let reason = '';
    listener.on('session', (s) => {
      server = SmuxSession.server(s, { clock });
      server.on('close', (r: string) => ((closedAt = clock.now()), (reason = r)));
    });
    const kcp = KcpSession.dialConn({ conn: link.a, remote: link.bEndpoint, cipher: createDatagramCipher('aes', key), clock });
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
    expect(reason).toBe('keepalive timeout');
    expect(closedAt - silentFrom).toBeGreaterThanOrEqual(8000);
    expect(closedAt - silentFrom).toBeLessThanOrEqual(16_500);
    expect(client.closed).toBe(true);
    expect(kcp.closed).toBe(true);
    expect(listener.sessionCount).toBe(0);
    listener.close();
  });

  it('NOP bytes are 02 03 0000 00000000', async () => {
    const clock = new VirtualClock();
    const link = createMemoryLinkPair({ seed: 3, scheduler: clock });
    const written: Buffer[] = [];
    const kcp = KcpSession.dialConn({ conn: link.a, remote: link.bEndpoint, cipher: new NullCipher(), clock });
    const origWrite = kcp.write.bind(kcp);
    kcp.write = (d: Uint8Array) => (written.push(Buffer.from(d)), origWrite(d));
    const client = SmuxSession.client(kcp, { clock });
    await clock.advance(2100);
    expect(written.map((b) => b.toString('hex'))).toContain('0203000000000000');
    client.close();
  });
});
