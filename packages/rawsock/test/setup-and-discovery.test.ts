/**
 * Interface discovery inside a lab namespace, and the errors a person gets from a bad
 * setup: unknown interface (listing real ones), non-Ethernet interface, no privileges,
 * libpcap/cap not loadable, port already in use.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PcapPacketConn, RawsockErrorCode, interfaceNames, libpcapMissingError } from '@paqet/rawsock';
import { labSkipReason, startLabFixture, type LabFixture } from './helpers/lab-fixture.js';
import { AgentCallError } from './helpers/remote-conn.js';
import { bundleEntry } from './helpers/bundle.js';
import { runAsNobody, shareHelper } from './helpers/as-nobody.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function codeOf(fn: () => unknown): { code?: string; message: string } {
  try {
    fn();
  } catch (err) {
    return { code: (err as { code?: string }).code, message: (err as Error).message };
  }
  throw new Error('expected a throw');
}

describe('bad setups without a lab', () => {
  it('names the missing interface and lists the existing ones', () => {
    const e = codeOf(() => new PcapPacketConn({ interface: 'nope0', ipv4: { addr: '10.0.0.1', port: 1, routerMac: '02:00:00:00:00:01' } }));
    expect(e.code).toBe(RawsockErrorCode.NoSuchInterface);
    expect(e.message).toContain('"nope0" does not exist');
    for (const name of interfaceNames()) expect(e.message).toContain(name);
    expect(e.message).toContain('lo');
  });

  it('refuses an interface without Ethernet framing (loopback)', () => {
    const e = codeOf(() => new PcapPacketConn({ interface: 'lo', ipv4: { addr: '127.0.0.1', port: 1, routerMac: '02:00:00:00:00:01' } }));
    expect(e.code).toBe(RawsockErrorCode.LinkType);
    expect(e.message).toContain('Ethernet');
  });

  it('rejects inconsistent options with typed errors', () => {
    const mac = '02:00:00:00:00:01';
    expect(codeOf(() => new PcapPacketConn({ interface: 'lo' })).code).toBe(RawsockErrorCode.Options);
    expect(codeOf(() => new PcapPacketConn({ interface: 'lo', ipv4: { addr: '::1', port: 1, routerMac: mac } })).code).toBe(RawsockErrorCode.Options);
    expect(
      codeOf(() => new PcapPacketConn({ interface: 'lo', ipv4: { addr: '10.0.0.1', port: 1, routerMac: mac }, ipv6: { addr: '::1', port: 2, routerMac: mac } })).message,
    ).toContain('must match');
    expect(codeOf(() => new PcapPacketConn({ interface: 'lo', ipv4: { addr: '10.0.0.1', port: 1, routerMac: 'zz' } })).code).toBe(RawsockErrorCode.Options);
    expect(codeOf(() => new PcapPacketConn({ interface: 'lo', ipv4: { addr: '10.0.0.1', port: 1, routerMac: mac }, localFlags: ['pa'] })).code).toBe(
      RawsockErrorCode.Options,
    );
    expect(codeOf(() => new PcapPacketConn({ interface: 'a-very-long-interface', ipv4: { addr: '10.0.0.1', port: 1, routerMac: mac } })).message).toContain(
      'too long',
    );
  });

  it('says how to install libpcap when the binding cannot be loaded', () => {
    // Bundled outside the package, `require("cap")` fails the way a missing libpcap does.
    const dir = mkdtempSync(join(tmpdir(), 'rawsock-nocap-'));
    try {
      const script = bundleEntry('test/helpers/open-probe.ts', dir);
      // pnpm's bin shims export NODE_PATH (which would find cap in the store): drop it.
      const env = { ...process.env, NODE_PATH: '' };
      const out = execFileSync(process.execPath, [script, 'lo', '127.0.0.1', '02:00:00:00:00:01'], { encoding: 'utf8', env });
      const libpcap = out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .find((o) => o.step === 'libpcap');
      expect(libpcap.code).toBe(RawsockErrorCode.LibpcapMissing);
      expect(libpcap.message).toContain('apt-get install libpcap0.8');
      expect(libpcap.message).toContain('Npcap');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(libpcapMissingError(new Error('libpcap.so.0.8: cannot open shared object file')).message).toContain('libpcap.so.0.8');
  });
});

describe.skipIf(labSkipReason !== null)('in a lab namespace', () => {
  let f: LabFixture;
  beforeAll(async () => {
    f = await startLabFixture('d');
  });
  afterAll(async () => {
    await f?.stop();
  });

  it('discovers the interface, address, gateway and gateway MAC the lab configured', async () => {
    const v4 = await f.client.discover(4);
    expect(v4).toEqual({ family: 4, interface: 'pqc0', sourceAddress: '10.200.1.1', gateway: '10.200.1.2', gatewayMac: '02:50:51:00:01:02' });
    const v6 = await f.client.discover(6);
    expect(v6).toEqual({ family: 6, interface: 'pqc0', sourceAddress: 'fd00:200:1::1', gateway: 'fd00:200:1::2', gatewayMac: '02:50:51:00:01:02' });
    const ifaces = await f.client.listInterfaces();
    const pqc0 = ifaces.find((i) => i.name === 'pqc0')!;
    expect(pqc0.mac).toBe('02:50:51:00:01:01');
    expect(pqc0.linkType).toBe('ether');
    expect(pqc0.addresses).toContainEqual({ family: 4, address: '10.200.1.1', prefixLength: 24, scope: 'global' });
    expect(pqc0.addresses).toContainEqual({ family: 6, address: 'fd00:200:1::1', prefixLength: 64, scope: 'global' });
    expect(ifaces.find((i) => i.name === 'lo')?.mac).toBeNull();
  });

  it('resolves the gateway MAC when the neighbour table has no entry', async () => {
    const del = await f.lab.exec('client', ['ip', 'neigh', 'del', '10.200.1.2', 'dev', 'pqc0']);
    expect(del.code).toBe(0);
    const before = await f.lab.exec('client', ['ip', '-j', 'neigh', 'show', 'to', '10.200.1.2']);
    expect(JSON.parse(before.stdout)).toEqual([]);
    const v4 = await f.client.discover(4);
    expect(v4.gatewayMac).toBe('02:50:51:00:01:02');
  });

  it('reports no permission for a process without CAP_NET_RAW, from the pre-check and from libpcap', async () => {
    // Run from a world-readable copy: the checkout itself may be private to root.
    const helper = shareHelper('test/helpers/open-probe.ts');
    let outcomes: { ok: boolean; code?: string; message: string }[];
    try {
      outcomes = (await runAsNobody(f.lab, 'client', helper.script, ['pqc0', '10.200.1.1', '02:50:51:00:01:02'])) as typeof outcomes;
    } finally {
      helper.remove();
    }
    expect(outcomes).toHaveLength(2);
    for (const o of outcomes) {
      expect(o.ok).toBe(false);
      expect(o.code).toBe(RawsockErrorCode.Permission);
      expect(o.message).toContain('root');
      expect(o.message).toContain('CAP_NET_RAW');
    }
  });

  it('reports a port already used by another raw socket or by a kernel TCP listener', async () => {
    const first = await f.server.open(f.serverOptions(45001));
    const second = await f.server.open(f.serverOptions(45001)).catch((e: AgentCallError) => e);
    expect(second).toBeInstanceOf(AgentCallError);
    expect((second as AgentCallError).code).toBe(RawsockErrorCode.PortInUse);
    expect((second as AgentCallError).message).toContain('45001');
    first.close();

    const listener = f.lab.spawn('server', [process.execPath, '-e', "require('net').createServer().listen(45002, () => console.log('up'))"], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) => listener.stdout!.once('data', () => resolve()));
    const taken = await f.server.open(f.serverOptions(45002)).catch((e: AgentCallError) => e);
    listener.kill();
    expect((taken as AgentCallError).code).toBe(RawsockErrorCode.PortInUse);
    expect((taken as AgentCallError).message).toContain('kernel TCP socket');
    await sleep(10);
  });
});
