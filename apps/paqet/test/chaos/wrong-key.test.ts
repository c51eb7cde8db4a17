/**
 * A client with the wrong key next to a good one: the server drops everything the wrong
 * client sends (the datagrams fail the CRC, so no session and no stream is created), the
 * wrong client's request fails within bounded time instead of hanging, the good client is
 * not disturbed, and both daemons of the wrong pair exit 0 on SIGTERM.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import type { PaqetDaemon } from '@paqet/testkit';
import { ChaosLab } from './chaos-lab.js';
import { parseServerStats } from './server-stats.js';
import { describeLab, report, SEED } from './profile.js';

const WRONG_SOCKS = 1081;
/** smux's keepalive timeout (8 s) is what should end the doomed request; 30 s is the check's margin. */
const FAIL_WITHIN_S = 30;
let chaos: ChaosLab;
let wrong: PaqetDaemon;

describeLab('chaos: a client with the wrong key', () => {
  beforeAll(async () => {
    chaos = await ChaosLab.start({ name: 'key', seed: SEED, files: { 'blob.bin': 512 * 1024 } });
    const config = chaos.writeConfig('client', 'wrong-key.yaml', (text) => {
      const doc = parseDocument(text);
      doc.setIn(['transport', 'kcp', 'key'], 'not-the-key-the-server-has');
      doc.setIn(['socks5', 0, 'listen'], `127.0.0.1:${WRONG_SOCKS}`);
      doc.delete('forward'); // the good client holds the forward ports
      return doc.toString();
    });
    wrong = await chaos.startDaemon('client', config, { socksPort: WRONG_SOCKS });
  }, 120_000);

  afterAll(async () => {
    await wrong?.stop();
    await chaos?.finish();
  });

  it(`the wrong client's request fails within ${FAIL_WITHIN_S} s while the good client downloads intact`, async () => {
    const started = Date.now();
    const [bad, good] = await Promise.all([
      chaos.download('blob.bin', FAIL_WITHIN_S + 30, ['--socks5-hostname', `127.0.0.1:${WRONG_SOCKS}`]),
      chaos.download('blob.bin', 30),
    ]);
    const seconds = (Date.now() - started) / 1000;
    expect(good.ok, good.stderr).toBe(true);
    expect(bad.ok).toBe(false);
    expect(bad.bytes).toBe(0);
    report(`wrong key: the request failed after ${seconds.toFixed(1)} s (curl ${bad.code}: ${bad.stderr}); the good client's download was intact`);
    expect(seconds, 'the wrong-key request hung').toBeLessThan(FAIL_WITHIN_S);
  }, 120_000);

  it('the wrong client exits 0 on SIGTERM; the server counted its datagrams as CRC drops and opened no session for it', async () => {
    expect(await wrong.stop()).toEqual({ code: 0, signal: null });
    expect(await chaos.stopDaemon('server', 'SIGTERM')).toEqual({ code: 0, signal: null });
    const stats = parseServerStats(chaos.daemons.server!.output());
    report(`wrong key: server sessions ${stats.sessions}, CRC drops ${stats.kcpDrops.crc}`);
    expect(stats.sessions).toBe(1);
    expect(stats.kcpDrops.crc).toBeGreaterThan(0);
  });
});
