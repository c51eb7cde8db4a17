/**
 * A `network:` section left out or partial: values come from the default route, explicit
 * values win, a complete section discovers nothing; and in the lab a client whose config
 * has no `network:` at all carries a real download.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverNetwork, type RouteFinder } from '../src/config/discover.js';
import { curl, describeLab, labClientYaml, labForSuite, labServerYaml, runUntil, sha256, terminate } from './lab-daemon.js';

const routes: RouteFinder = async (family) => {
  if (family === 6) throw new Error('no IPv6 default route with a gateway in this network namespace');
  return { family: 4, interface: 'eth0', sourceAddress: '192.0.2.10', gateway: '192.0.2.1', gatewayMac: '02:aa:bb:cc:dd:ee' };
};

describe('discoverNetwork', () => {
  it('fills a missing section from the default route (client: random port)', async () => {
    const r = await discoverNetwork({ role: 'client' }, 'client', routes);
    expect(r.raw.network).toEqual({ interface: 'eth0', ipv4: { addr: '192.0.2.10:0', router_mac: '02:aa:bb:cc:dd:ee' } });
    expect(r.notes).toEqual(['network.interface: eth0 (default route)', 'network.ipv4.addr: 192.0.2.10:0', 'network.ipv4.router_mac: 02:aa:bb:cc:dd:ee (gateway 192.0.2.1)']);
  });

  it('a server gets its listen port', async () => {
    const r = await discoverNetwork({ role: 'server', listen: { addr: ':9999' } }, 'server', routes);
    expect(r.raw.network?.ipv4?.addr).toBe('192.0.2.10:9999');
  });

  it('explicit values win and only the router MAC is filled in', async () => {
    const r = await discoverNetwork({ network: { interface: 'eth0', ipv4: { addr: '192.0.2.99:4000' } } }, 'client', routes);
    expect(r.raw.network?.ipv4).toEqual({ addr: '192.0.2.99:4000', router_mac: '02:aa:bb:cc:dd:ee' });
    expect(r.notes).toHaveLength(1);
  });

  it('a complete section asks nothing of the host', async () => {
    const never: RouteFinder = () => Promise.reject(new Error('must not be called'));
    const raw = { network: { interface: 'x', ipv4: { addr: '1.2.3.4:0', router_mac: '02:00:00:00:00:01' } } };
    expect(await discoverNetwork(raw, 'client', never)).toEqual({ raw, notes: [], failure: null });
  });

  it('no default route: nothing filled in, the reason kept for the error output', async () => {
    const none: RouteFinder = () => Promise.reject(new Error('no default route'));
    const r = await discoverNetwork({}, 'client', none);
    expect(r.failure).toBe('no default route; no default route');
    expect(r.notes).toEqual([]);
  });
});

describeLab('a client config without network: in the lab', () => {
  const suite = labForSuite('pqdisc');

  it('discovers interface, address and gateway MAC, logs them, and carries a 2 MB download', async () => {
    const { lab, dir } = await suite.start();
    mkdirSync(join(dir, 'www'));
    const file = randomBytes(2 * 1024 * 1024);
    writeFileSync(join(dir, 'www/f.bin'), file);
    lab.spawn('target', ['python3', '-m', 'http.server', '8000', '--bind', '10.200.2.2', '--directory', join(dir, 'www')], { stdio: 'ignore' });
    const kcp = '{ block: aes, key: discovery-key }';
    writeFileSync(join(dir, 's.yaml'), labServerYaml(lab, kcp));
    writeFileSync(join(dir, 'c.yaml'), labClientYaml(lab, kcp, { network: false }));
    const server = await runUntil(lab, 'server', join(dir, 's.yaml'), 'server listening for packets');
    // The plan's first line also says "client IPv4"; the listener's own line means it accepts.
    const client = await runUntil(lab, 'client', join(dir, 'c.yaml'), 'SOCKS5 server listening on 127.0.0.1:1080');
    expect(client.out()).toContain('discovered network.interface: pqc0 (default route)');
    expect(client.out()).toContain('discovered network.ipv4.addr: 10.200.1.1:0');
    expect(client.out()).toContain(`discovered network.ipv4.router_mac: ${lab.client.peerMac}`);
    const out = join(dir, 'got.bin');
    const r = await curl(lab, 1080, 'http://10.200.2.2:8000/f.bin', out, 60);
    expect(r.code, r.stderr).toBe(0);
    expect(sha256(out)).toBe(createHash('sha256').update(file).digest('hex'));
    expect(await terminate(client, server)).toEqual([0, 0]);
  });
});
