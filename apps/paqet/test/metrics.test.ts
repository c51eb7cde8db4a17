/**
 * metrics.listen against real daemons in the lab: /metrics values move with a real transfer
 * through SOCKS5, /healthz follows the tunnel, and /status renders live numbers in a real
 * headless Chromium (Debian's, driven by playwright-core) running in the client namespace.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import type { Lab } from '@paqet/testkit';
import { describeLab, labForSuite, spawnDaemon, until, type LabDaemon } from './lab-daemon.js';

const CHROMIUM = '/usr/bin/chromium';
const MB4 = 4 * 1024 * 1024;

let lab: Lab;
let dir: string;
let server: LabDaemon;
let client: LabDaemon;

async function get(host: 'client' | 'server', url: string): Promise<{ status: number; body: string }> {
  const r = await lab.exec(host, ['curl', '-sS', '-o', '-', '-w', '\n%{http_code}', url], { timeoutMs: 10_000 });
  const at = r.stdout.lastIndexOf('\n');
  return { status: Number(r.stdout.slice(at + 1)), body: r.stdout.slice(0, at) };
}

function metric(text: string, name: string, labels = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `) || (labels === '' && l.startsWith(`${name} `)));
  if (!line) throw new Error(`no ${name}${labels} in:\n${text}`);
  return Number(line.split(' ').pop());
}

describeLab('metrics, health and status page', () => {
  const suite = labForSuite('pqmet');
  beforeAll(async () => {
    ({ lab, dir } = await suite.start());
    mkdirSync(join(dir, 'www'));
    writeFileSync(join(dir, 'www/file.bin'), randomBytes(MB4));
    lab.spawn('target', ['python3', '-m', 'http.server', '8000', '--bind', '10.200.2.2', '--directory', join(dir, 'www')], { stdio: 'ignore' });
    const kcp = '{ block: aes, key: metrics-test-key }';
    writeFileSync(join(dir, 'server.yaml'),
      `role: server\nlog: { level: info }\nmetrics: { listen: "127.0.0.1:9100" }\nlisten: { addr: ":9999" }\nnetwork:\n  interface: pqs0\n  firewall: off\n  ipv4: { addr: "10.200.1.2:9999", router_mac: "${lab.server.peerMac}" }\ntransport:\n  protocol: kcp\n  kcp: ${kcp}\n`);
    writeFileSync(join(dir, 'client.yaml'),
      `role: client\nlog: { level: info }\nmetrics: { listen: "127.0.0.1:9101" }\nsocks5: [ { listen: "127.0.0.1:1080" } ]\nnetwork:\n  interface: pqc0\n  firewall: off\n  ipv4: { addr: "10.200.1.1:0", router_mac: "${lab.client.peerMac}" }\nserver: { addr: "10.200.1.2:9999" }\ntransport:\n  protocol: kcp\n  kcp: ${kcp}\n`);
    server = spawnDaemon(lab, 'server', ['run', '-c', join(dir, 'server.yaml')]);
    await until('server metrics', async () => (await get('server', 'http://127.0.0.1:9100/healthz')).status === 200);
    client = spawnDaemon(lab, 'client', ['run', '-c', join(dir, 'client.yaml')]);
    await until('client metrics', async () => (await get('client', 'http://127.0.0.1:9101/healthz')).status === 200);
  });

  it('counters move with a 4 MB download through SOCKS5', async () => {
    const before = (await get('client', 'http://127.0.0.1:9101/metrics')).body;
    const serverBefore = (await get('server', 'http://127.0.0.1:9100/metrics')).body;
    const out = join(dir, 'got.bin');
    const r = await lab.exec('client', ['curl', '-sS', '--fail', '--max-time', '60', '--socks5-hostname', '127.0.0.1:1080', '-o', out, 'http://10.200.2.2:8000/file.bin'], { timeoutMs: 65_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(createHash('sha256').update(readFileSync(out)).digest('hex')).toBe(createHash('sha256').update(readFileSync(join(dir, 'www/file.bin'))).digest('hex'));
    const after = (await get('client', 'http://127.0.0.1:9101/metrics')).body;
    const serverAfter = (await get('server', 'http://127.0.0.1:9100/metrics')).body;
    expect(metric(after, 'paqet_bytes_total', '{direction="in"}') - metric(before, 'paqet_bytes_total', '{direction="in"}')).toBeGreaterThan(MB4);
    expect(metric(serverAfter, 'paqet_bytes_total', '{direction="out"}') - metric(serverBefore, 'paqet_bytes_total', '{direction="out"}')).toBeGreaterThan(MB4);
    expect(metric(after, 'paqet_packets_total', '{direction="in"}')).toBeGreaterThan(metric(before, 'paqet_packets_total', '{direction="in"}') + 3000);
    expect(metric(after, 'paqet_socks5_connections_total')).toBeGreaterThanOrEqual(metric(before, 'paqet_socks5_connections_total') + 1);
    expect(metric(after, 'paqet_tunnel_up')).toBe(1);
    expect(metric(after, 'paqet_sessions')).toBe(1);
    expect(metric(serverAfter, 'paqet_sessions')).toBe(1);
    expect(metric(after, 'paqet_rtt_seconds')).toBeGreaterThanOrEqual(0);
    expect(after).toMatch(/^paqet_process_resident_memory_bytes \d+/m);
  });

  it('renders the live status page in headless Chromium', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: scripts/setup.sh installs Debian's chromium`);
    // Chromium runs inside the client namespace, where the daemon's 127.0.0.1:9101 lives.
    const wrapper = join(dir, 'chromium-in-ns.sh');
    writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${lab.client.ns} ${CHROMIUM} "$@"\n`);
    chmodSync(wrapper, 0o755);
    const browser = await chromium.launch({
      executablePath: wrapper,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      await page.goto('http://127.0.0.1:9101/status');
      // Polled from here: the page's CSP forbids the string evaluation waitForFunction would need.
      await expect.poll(() => page.textContent('#state'), { timeout: 20_000, interval: 250 }).toBe('up');
      expect(await page.textContent('#role')).toBe('client');
      expect(await page.textContent('#sessions')).toBe('1');
      await expect
        .poll(async () => ((await page.getAttribute('#tp polyline', 'points')) ?? '').split(' ').length, { timeout: 20_000, interval: 250 })
        .toBeGreaterThanOrEqual(2);
      const png = await page.screenshot({ fullPage: true });
      writeFileSync(join(tmpdir(), 'paqet-status-page.png'), png);
      expect(png.length).toBeGreaterThan(5000);
    } finally {
      await browser.close();
    }
  });

  it('/healthz turns 503 on the client when the server is gone, and the server stops with exit 0', async () => {
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    await until('client health 503', async () => (await get('client', 'http://127.0.0.1:9101/healthz')).status === 503, 40_000);
    client.child.kill('SIGTERM');
    expect(await client.exited).toBe(0);
  });
});
