/**
 * A wrong key or cipher says so while it happens: a client with another key sends to a real
 * server in the lab, and within one period the server warns, naming the client's address and
 * the likely cause; counting stops once nothing more arrives.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IntegrityWatch } from '../src/daemon/integrity-watch.js';
import { Logger } from '../src/log/logger.js';
import { describeLab, labClientYaml, labForSuite, labServerYaml, runUntil, terminate, until } from './lab-daemon.js';

describe('IntegrityWatch', () => {
  it('warns once per period with fresh failures, naming the latest source', () => {
    const lines: string[] = [];
    const logger = new Logger('info', { write: (s) => lines.push(s) });
    let failures = 0;
    const watch = new IntegrityWatch(logger, () => ({ failures, lastSource: { address: '192.0.2.7', port: 40000 } }), 'aes', 60_000);
    watch.check(10_000);
    failures = 12;
    watch.check(10_000);
    watch.check(10_000);
    watch.stop();
    logger.flush();
    expect(lines.join('')).toMatch(/\[WARN\] 12 datagrams failed the integrity check in the last 10s, latest from 192\.0\.2\.7:40000: that peer most likely uses a different transport\.kcp\.key or block \(ours: aes\)/);
    expect(lines.join('').match(/WARN/g)).toHaveLength(1);
  });
});

describeLab('wrong key in the lab', () => {
  const suite = labForSuite('pqwk');

  it('the server warns about the client with the other key, by address', async () => {
    const { lab, dir } = await suite.start();
    writeFileSync(join(dir, 's.yaml'), labServerYaml(lab, '{ block: aes, key: right-key }'));
    writeFileSync(join(dir, 'c.yaml'), labClientYaml(lab, '{ block: aes, key: wrong-key }'));
    const server = await runUntil(lab, 'server', join(dir, 's.yaml'), 'server listening for packets');
    const client = await runUntil(lab, 'client', join(dir, 'c.yaml'), 'SOCKS5 server listening on 127.0.0.1:1080');
    // A request makes the client send; the server cannot open a single datagram of it.
    void lab.exec('client', ['curl', '-sS', '--max-time', '5', '--socks5-hostname', '127.0.0.1:1080', 'http://10.200.2.2:8000/'], { timeoutMs: 8000 });
    await until('the warning', () => server.out().includes('failed the integrity check'), 30_000);
    expect(server.out()).toMatch(/\[WARN\] \d+ datagrams failed the integrity check in the last 10s, latest from 10\.200\.1\.1:\d+: that peer most likely uses a different transport\.kcp\.key or block \(ours: aes\)/);
    expect(await terminate(client, server)).toEqual([0, 0]);
  });
});
