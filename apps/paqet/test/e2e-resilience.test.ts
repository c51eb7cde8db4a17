/**
 * Resilience end to end in the namespace lab, with real processes of our daemon run as the
 * executable runs itself (the node flags of its shebang): 1,000 idle streams and ten client
 * kills mid-transfer stay inside the memory budget (peak RSS, VmHWM) with no
 * MaxListenersExceededWarning; a garbage flood opens no session; after the server is killed
 * and restarted the same client process carries traffic again within 3 s of the server being
 * ready, and a SOCKS5 request during the outage gets an RFC 1928 failure reply. Root only;
 * in CI a missing capability is a failure.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import type { Lab } from '@paqet/testkit';
import { APP, describeLab, labClientYaml, labForSuite, labServerYaml, python, runUntil, shippedNodeFlags, until, type LabDaemon } from './lab-daemon.js';

const REPO = join(APP, '../..');
const TARGET_SERVER = join(REPO, 'bench/lab/target-server.mjs');
const SOCKS_CLIENT = join(REPO, 'bench/lab/socks-client.mjs');
const FLOOD = join(APP, 'test/fixtures/e2e-garbage-flood.mjs');

const KEY = 'e2e-resilience-key';
const MB = 1024 * 1024;
/** docs/operations.md, "Memory": the budget of one daemon process. */
const PEAK_RSS_BUDGET = 120 * MB;
const TARGET = '10.200.2.2';

type Daemon = LabDaemon & { pid: number };

let lab: Lab;
let dir: string;
let server: Daemon;
let client: Daemon;

function config(role: 'server' | 'client', block = 'aes', port = 9999): string {
  const kcp = `{ mode: "fast", block: "${block}", key: "${KEY}" }`;
  const file = join(dir, `${role}-${block}-${port}.yaml`);
  writeFileSync(file, role === 'server' ? labServerYaml(lab, kcp, { port }) : labClientYaml(lab, kcp, { port }));
  return file;
}

/** A daemon run as the installed executable runs itself (the shebang's node flags), so its memory is what users get. */
async function daemon(host: 'client' | 'server', file: string, ready: string): Promise<Daemon> {
  const d = await runUntil(lab, host, file, ready, { nodeFlags: shippedNodeFlags() });
  return { ...d, pid: d.child.pid! };
}

const startServer = () => daemon('server', config('server'), 'server listening for packets on :9999');
const startClient = () => daemon('client', config('client'), 'tunnel up: connection 1');

async function kill9(d: Daemon): Promise<void> {
  d.child.kill('SIGKILL');
  await d.exited;
}

/** Peak RSS since the last reset (VmHWM), bytes. */
function peakRss(pid: number): number {
  const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

/** Starts a new peak-RSS window (Linux clear_refs 5: VmHWM := VmRSS). */
function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

async function curlSmall(maxSeconds: number): Promise<boolean> {
  const r = await lab.exec('client', ['curl', '-sS', '--max-time', String(maxSeconds), '--socks5-hostname', '127.0.0.1:1080', '-o', '/dev/null', '-w', '%{http_code} %{size_download}', `http://${TARGET}:8000/small`], {
    timeoutMs: (maxSeconds + 5) * 1000,
  });
  return r.code === 0 && r.stdout.trim() === '200 64';
}

const warnings = (d: Daemon) => d.out().match(/.*MaxListenersExceededWarning.*/g) ?? [];
const mb = (bytes: number) => (bytes / MB).toFixed(1);

describeLab('paqet resilience end to end', () => {
  const suite = labForSuite('pqres');
  beforeAll(async () => {
    ({ lab, dir } = await suite.start());
    const target = lab.spawn('target', [process.execPath, TARGET_SERVER], { env: { ...process.env, TARGET_HOST: TARGET } });
    let targetOut = '';
    target.stdout!.on('data', (c: Buffer) => (targetOut += c.toString()));
    await until('the target', () => targetOut.includes('ready'));
    server = await startServer();
    client = await startClient();
    expect(await curlSmall(10)).toBe(true);
  }, 60_000);

  it('1,000 idle streams through SOCKS5: each daemon stays within 120 MB peak RSS, no MaxListenersExceededWarning', async () => {
    resetPeakRss(server.pid);
    resetPeakRss(client.pid);
    const idle = lab.spawn('client', [process.execPath, SOCKS_CLIENT, 'idle', '1000', TARGET, '8001', '127.0.0.1:1080'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let text = '';
    idle.stdout!.on('data', (c: Buffer) => (text += c.toString()));
    idle.stderr!.on('data', (c: Buffer) => (text += c.toString()));
    await until('1,000 SOCKS5 streams to open', () => /\{"open":1000/.test(text) || idle.exitCode !== null, 120_000);
    expect(text).toMatch(/\{"open":1000/);
    await until('the server to relay 1,000 streams', () => (server.out().match(/accepted TCP stream \d+: .* -> 10\.200\.2\.2:8001/g) ?? []).length >= 1000, 30_000);
    const peaks = { server: peakRss(server.pid), client: peakRss(client.pid) };
    idle.stdin!.end();
    await new Promise((r) => idle.once('exit', r));
    console.log(`e2e 1,000 idle streams: peak RSS server ${mb(peaks.server)} MB, client ${mb(peaks.client)} MB`);
    expect(peaks.server).toBeLessThanOrEqual(PEAK_RSS_BUDGET);
    expect(peaks.client).toBeLessThanOrEqual(PEAK_RSS_BUDGET);
    expect(warnings(server)).toEqual([]);
    expect(warnings(client)).toEqual([]);
  }, 180_000);

  it('ten client kills mid-transfer: the server closes the dead sessions, stays within 120 MB peak RSS, no MaxListenersExceededWarning', async () => {
    // This scenario's own server process: its peak RSS is the scenario's, not the idle test's.
    await kill9(client);
    await kill9(server);
    server = await startServer();
    client = await startClient();
    for (let i = 0; i < 10; i++) {
      // An endless download, cut by the kill once its bytes are flowing.
      const streamsBefore = (server.out().match(/accepted TCP stream/g) ?? []).length;
      const download = lab.spawn('client', ['curl', '-sS', '--max-time', '60', '--socks5-hostname', '127.0.0.1:1080', '-o', '/dev/null', `http://${TARGET}:8000/bytes?n=4000000000`], { stdio: 'ignore' });
      const downloadEnded = new Promise((r) => download.once('exit', r));
      await until('the download to start', () => (server.out().match(/accepted TCP stream/g) ?? []).length > streamsBefore);
      await new Promise((r) => setTimeout(r, 1000));
      await kill9(client);
      await downloadEnded;
      client = await startClient();
    }
    await until('the server to close the ten dead sessions', () => (server.out().match(/closing the session of .*: no answer for/g) ?? []).length >= 10, 30_000);
    const peak = peakRss(server.pid);
    console.log(`e2e ten client kills mid-transfer: server peak RSS ${mb(peak)} MB`);
    expect(peak).toBeLessThanOrEqual(PEAK_RSS_BUDGET);
    expect(warnings(server)).toEqual([]);
    expect(await curlSmall(10)).toBe(true);
  }, 300_000);

  it('server killed and restarted: the same client carries traffic again within 3 s of the server being ready', async () => {
    const times: number[] = [];
    for (let cycle = 0; cycle < 3; cycle++) {
      await kill9(server);
      server = await startServer();
      const ready = Date.now();
      // A new request every 100 ms until one gets its answer (each may hang up to 2 s).
      while (!(await curlSmall(2))) {
        expect(Date.now() - ready, 'no request succeeded within 20 s').toBeLessThan(20_000);
        await new Promise((r) => setTimeout(r, 100));
      }
      times.push(Date.now() - ready);
    }
    // The median, so one cycle slowed by a loaded machine does not decide (target: 3 s).
    const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
    console.log(`e2e server restart: first successful request ${times.map((t) => (t / 1000).toFixed(2)).join(', ')} s after the server was ready (median ${(median / 1000).toFixed(2)} s)`);
    expect(median).toBeLessThan(3000);
    for (const t of times) expect(t).toBeLessThan(5000);
    expect(client.child.exitCode).toBeNull();
    expect(client.out()).toMatch(/\[WARN\] tunnel lost: connection 1 to 10\.200\.1\.2:9999: no answer from the server for \d+\.\d s/);
    expect(client.out()).toMatch(/\[INFO\] tunnel up: connection 1 to 10\.200\.1\.2:9999 from port \d+, \d+\.\d s after it was lost/);
  }, 120_000);

  it('a SOCKS5 request while the tunnel is down gets REP 3 (network unreachable) within a few seconds, not a hang', async () => {
    const lostBefore = (client.out().match(/tunnel lost/g) ?? []).length;
    await kill9(server);
    await until('the client to notice', () => (client.out().match(/tunnel lost/g) ?? []).length > lostBefore, 15_000);
    // A plain RFC 1928 client: no-auth greeting, CONNECT 10.200.2.2:8000, the 10-byte reply in hex.
    const stdout = await python(lab, 'client', [
      'import socket, sys, time',
      'c = socket.create_connection(("127.0.0.1", 1080), timeout=15)',
      't = time.time()',
      'c.sendall(b"\\x05\\x01\\x00"); assert c.recv(2) == b"\\x05\\x00"',
      'c.sendall(b"\\x05\\x01\\x00\\x01" + socket.inet_aton("10.200.2.2") + (8000).to_bytes(2, "big"))',
      'r = b""',
      'while len(r) < 10:',
      '    d = c.recv(10 - len(r))',
      '    if not d: break',
      '    r += d',
      'print(r.hex(), int((time.time() - t) * 1000))',
    ]);
    const [reply, ms] = stdout.trim().split(' ');
    console.log(`e2e SOCKS5 during the outage: reply ${reply} after ${ms} ms`);
    expect(reply).toBe('05030001000000000000');
    expect(Number(ms)).toBeLessThan(5000);
    expect(client.out()).toMatch(/SOCKS5 failed to connect 127\.0\.0\.1:\d+ -> 10\.200\.2\.2:8000: dial 10\.200\.2\.2:8000: tunnel to the server 10\.200\.1\.2:9999 is down/);
    server = await startServer();
    await until('traffic again', () => curlSmall(2), 20_000);
  }, 60_000);

  it('a garbage flood from 64 source ports opens no session, with or without a cipher, and stays within 120 MB', async () => {
    await lab.addPortRules('server', '9998');
    const open = await daemon('server', config('server', 'null', 9998), 'server listening for packets on :9998');
    resetPeakRss(server.pid);
    const floods = await Promise.all(
      ['9999', '9998'].map((port) => lab.exec('client', [process.execPath, FLOOD, '10.200.1.2', port, '8', '64'], { timeoutMs: 60_000 })),
    );
    for (const f of floods) expect(f.code, f.stderr).toBe(0);
    const sent = floods.map((f) => (JSON.parse(f.stdout) as { sent: number }).sent);
    const peaks = { aes: peakRss(server.pid), null: peakRss(open.pid) };
    console.log(`e2e garbage flood, 8 s from 64 ports: ${sent[0]} frames at aes, ${sent[1]} at null; peak RSS ${mb(peaks.aes)} / ${mb(peaks.null)} MB`);
    expect(sent.every((n) => n > 1000)).toBe(true);
    expect(peaks.aes).toBeLessThanOrEqual(PEAK_RSS_BUDGET);
    expect(peaks.null).toBeLessThanOrEqual(PEAK_RSS_BUDGET);
    open.child.kill('SIGTERM');
    expect(await open.exited).toBe(0);
    const stats = JSON.parse(/server stats: (\{.*\})/.exec(open.out())![1]!) as { sessions: number; kcpDrops: Record<string, number> };
    expect(stats.sessions).toBe(0);
    expect(stats.kcpDrops['unknown-session']).toBeGreaterThan(0);
    expect(server.out()).not.toMatch(/accepted new connection from 10\.200\.1\.1:20\d\d\d /);
    expect(await curlSmall(10)).toBe(true);
  }, 120_000);
});
