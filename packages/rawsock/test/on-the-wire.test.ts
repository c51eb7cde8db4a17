/**
 * What each raw PacketConn backend (pcap, afpacket) puts on the wire, seen by tcpdump in the peer namespace:
 * frames byte-exact to the envelope spec (docs/protocol/frames.md, section 2, including flag cycling and the
 * TCPF per-peer override), and no kernel RST leaving either namespace while the lab's
 * iptables rules are in place.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaqetEnvelope } from '@paqet/wire';
import { readU16, readU32 } from '@paqet/wire/layers';
import type { PcapRecord } from '@paqet/wire/pcap';
import { labSkipReason, startLabFixture, type LabFixture } from './helpers/lab-fixture.js';
import { NamespaceCapture } from './helpers/capture.js';
import type { RemotePacketConn } from './helpers/remote-conn.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await sleep(5);
}

/** Independent one's-complement sum (RFC 1071), to check checksums without @paqet/wire. */
function onesSum(bytes: Uint8Array, start: number, end: number, initial = 0): number {
  let s = initial;
  for (let i = start; i + 1 < end; i += 2) s += (bytes[i] << 8) | bytes[i + 1];
  if ((end - start) & 1) s += bytes[end - 1] << 8;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

function payloadOf(i: number, size: number): Uint8Array {
  return new Uint8Array(size).map((_, k) => (i * 7 + k) & 0xff);
}

for (const backend of ['pcap', 'afpacket'] as const) {
// Each backend gets its own ports (the lab rules cover both ranges).
const p = backend === 'pcap' ? 0 : 100;
describe.skipIf(labSkipReason !== null)(`${backend} PacketConn on the wire`, () => {
  let f: LabFixture;
  beforeAll(async () => {
    f = await startLabFixture(`w${backend[0]}`);
  });
  afterAll(async () => {
    await f?.stop();
  });

  it('injects frames byte-exact to the envelope spec, cycling flags and honouring TCPF overrides', async () => {
    const clientPort = 41001 + p;
    const serverPort = 51001 + p;
    const localFlags = ['PA', 'S', 'A', 'SA', 'NCEU'];
    const capture = new NamespaceCapture(f.lab, 'server', 'pqs0', `tcp and src port ${clientPort}`);
    await capture.ready();
    const client = await f.client.open(f.clientOptions(clientPort, { localFlags }), backend);
    const server = await f.server.open(f.serverOptions(serverPort), backend);
    let received = 0;
    server.onDatagram(() => received++);

    const v4 = { address: f.lab.server.link.ipv4, port: serverPort };
    const v6 = { address: f.lab.server.link.ipv6!, port: serverPort };
    // The script: [destination, payload size], with a TCPF override in the middle.
    const sent: { to: typeof v4; payload: Uint8Array; phase: 'default' | 'tcpf' | 'cleared' }[] = [];
    const send = (to: typeof v4, size: number, phase: 'default' | 'tcpf' | 'cleared') => {
      const payload = payloadOf(sent.length, size);
      sent.push({ to, payload, phase });
      client.send(payload, to);
    };
    for (let i = 0; i < 12; i++) send(i % 4 === 3 ? v6 : v4, [1, 4, 100, 1300][i % 4], 'default');
    await until(() => received >= 12);
    client.setRemoteFlags(v4, ['FPA', 'R']);
    for (let i = 0; i < 4; i++) send(v4, 33, 'tcpf');
    await until(() => received >= 16);
    client.clearRemoteFlags(v4);
    for (let i = 0; i < 3; i++) send(v4, 5, 'cleared');
    await until(() => received >= sent.length);
    if (received !== sent.length) console.log(JSON.stringify(await client.counters()), JSON.stringify(await server.counters()));
    expect(received).toBe(sent.length);
    const frames = (await capture.stop()).map((r: PcapRecord) => r.data);
    if (frames.length !== sent.length) console.log(capture.stderr);
    client.close();
    server.close();
    expect(frames.length).toBe(sent.length);

    // Independent spec checks on every IPv4 frame (docs/protocol/frames.md, section 2).
    const t0 = readU32(frames[0], 14 + 20 + 24); // TSval of c = 1 is T0
    frames.forEach((fr, i) => {
      const c = i + 1;
      const isV4 = sent[i].to === v4 || sent[i].phase !== 'default' || i % 4 !== 3;
      if (!isV4) return;
      expect(Buffer.from(fr.subarray(0, 14)).toString('hex')).toBe('025051000102' + '025051000101' + '0800');
      const ip = 14;
      expect(fr[ip]).toBe(0x45);
      expect(fr[ip + 1]).toBe(0xb8);
      expect(readU16(fr, ip + 4)).toBe(0);
      expect(readU16(fr, ip + 6)).toBe(0x4000);
      expect(fr[ip + 8]).toBe(64);
      expect(fr[ip + 9]).toBe(6);
      expect(onesSum(fr, ip, ip + 20)).toBe(0xffff);
      const t = ip + 20;
      const tcpLen = readU16(fr, ip + 2) - 20;
      const pseudo = onesSum(fr, ip + 12, ip + 20) + 6 + tcpLen;
      expect(onesSum(fr, t, t + tcpLen, pseudo)).toBe(0xffff);
      expect(readU16(fr, t)).toBe(clientPort);
      expect(readU16(fr, t + 2)).toBe(serverPort);
      expect(readU16(fr, t + 14)).toBe(0xffff);
      expect(readU16(fr, t + 18)).toBe(0);
      const flags = readU16(fr, t + 12) & 0x1ff;
      const syn = (flags & 0x02) !== 0;
      expect(fr[t + 12] >> 4).toBe(syn ? 10 : 8);
      const tsval = (t0 + (c >>> 3)) >>> 0;
      const seq = readU32(fr, t + 4);
      const ack = readU32(fr, t + 8);
      if (syn) {
        expect(seq).toBe(1 + (c & 7));
        expect(ack).toBe(flags & 0x10 ? seq + 1 : 0);
        expect(Buffer.from(fr.subarray(t + 20, t + 40)).toString('hex')).toBe(
          '020405b4' + '0402' + '080a' + tsval.toString(16).padStart(8, '0') + '00000000' + '01' + '030308',
        );
      } else {
        expect(seq).toBe((t0 + (c << 7)) >>> 0);
        expect(ack).toBe((seq - (c & 0x3ff) + 1400) >>> 0);
        const tsecr = (tsval - ((c % 200) + 50)) >>> 0;
        expect(Buffer.from(fr.subarray(t + 20, t + 32)).toString('hex')).toBe(
          '0101080a' + tsval.toString(16).padStart(8, '0') + tsecr.toString(16).padStart(8, '0'),
        );
      }
      expect(Buffer.from(fr.subarray(t + (syn ? 40 : 32))).equals(Buffer.from(sent[i].payload))).toBe(true);
    });

    // Flag sequence: default list cycles globally; the TCPF list replaces it for that peer only.
    const flagLetters = frames.map((fr) => {
      const t = readU16(fr, 12) === 0x0800 ? 34 : 54;
      return readU16(fr, t + 12) & 0x1ff;
    });
    expect(flagLetters).toEqual([
      0x18, 0x02, 0x10, 0x12, 0x1e0, 0x18, 0x02, 0x10, 0x12, 0x1e0, 0x18, 0x02, // default rotation over PA,S,A,SA,NCEU
      0x19, 0x04, 0x19, 0x04, // TCPF ["FPA","R"] for the server endpoint
      0x10, 0x12, 0x1e0, // cleared: the default rotation resumes where it was
    ]);

    // Whole frames equal the reference envelope fed the same calls with the same T0.
    const ref = new PaqetEnvelope({
      localMac: f.lab.client.link.mac,
      routerMacV4: f.lab.client.peerMac,
      routerMacV6: f.lab.client.peerMac,
      localIpv4: f.lab.client.link.ipv4,
      localIpv6: f.lab.client.link.ipv6!,
      localPort: clientPort,
      localFlags,
      startTimeMs: t0,
    });
    const out = new Uint8Array(2000);
    sent.forEach((s, i) => {
      if (i === 12) ref.flags.setPeerFlags(v4, [0x19, 0x04]);
      if (i === 16) ref.flags.deletePeerFlags(v4);
      const n = ref.assemble(out, s.payload, s.to);
      expect(Buffer.from(frames[i]).toString('hex')).toBe(Buffer.from(out.subarray(0, n)).toString('hex'));
    });
    // The IPv6 frames: next header TCP, hop limit 64, traffic class 0xB8.
    const v6Frame = frames[3];
    expect(readU16(v6Frame, 12)).toBe(0x86dd);
    expect(Buffer.from(v6Frame.subarray(14, 18)).toString('hex')).toBe('6b800000');
    expect(v6Frame[14 + 6]).toBe(6);
    expect(v6Frame[14 + 7]).toBe(64);
  });

  // Defined for afpacket only (pcap has no batch counters), not skipped for pcap.
  if (backend === 'afpacket') it('afpacket: a burst leaves in a few sendmmsg calls and arrives in a few batches, nothing dropped', async () => {
    const client = await f.client.open(f.clientOptions(41003 + p), backend);
    const server = await f.server.open(f.serverOptions(51003 + p), backend);
    let atServer = 0;
    server.onDatagram(() => atServer++);
    // One IPC message carries all 2000 sends, so the agent sends them in one JavaScript job.
    for (let i = 0; i < 2000; i++) client.send(payloadOf(i, 1000), { address: f.lab.server.link.ipv4, port: 51003 + p });
    await until(() => atServer >= 2000, 20_000);
    const sent = (await client.nativeStats())!;
    const got = (await server.nativeStats())!;
    const counters = await server.counters();
    client.close();
    server.close();
    expect(atServer).toBe(2000);
    expect(sent.sendErrors).toBe(0);
    // 512 frames per sendmmsg at most: 2000 frames take 4 calls, not 2000.
    expect(sent.sendCalls).toBeLessThanOrEqual(8);
    expect(got.framesIn).toBe(2000);
    expect(got.batches).toBeLessThan(2000 / 4);
    expect(got.ringErrors).toBe(0);
    expect(counters.pcapDropped).toBe(0);
  });

  it('lets no kernel RST leave either namespace with the lab iptables rules (and sees them without)', async () => {
    const rstFilter = 'tcp[tcpflags] & tcp-rst != 0 or ip6[53] & 4 != 0';
    const clientCap = new NamespaceCapture(f.lab, 'client', 'pqc0', rstFilter);
    const serverCap = new NamespaceCapture(f.lab, 'server', 'pqs0', rstFilter);
    await Promise.all([clientCap.ready(), serverCap.ready()]);
    const client = await f.client.open(f.clientOptions(41002 + p), backend);
    const server = await f.server.open(f.serverOptions(51002 + p), backend);
    let atServer = 0;
    let atClient = 0;
    server.onDatagram(() => atServer++);
    client.onDatagram(() => atClient++);
    for (let i = 0; i < 200; i++) {
      client.send(payloadOf(i, 200), { address: f.lab.server.link.ipv4, port: 51002 + p });
      server.send(payloadOf(i, 200), { address: f.lab.client.link.ipv4, port: 41002 + p });
      if (i % 50 === 0) {
        client.send(payloadOf(i, 20), { address: f.lab.server.link.ipv6!, port: 51002 + p });
        server.send(payloadOf(i, 20), { address: f.lab.client.link.ipv6!, port: 41002 + p });
      }
    }
    await until(() => atServer >= 204 && atClient >= 204);
    await sleep(200);
    expect(atServer).toBe(204);
    expect(atClient).toBe(204);

    // Control: port 7777 on the server has no rules, so its kernel answers with RSTs.
    const unprotected = await f.server.open(f.serverOptions(7777 + p), backend);
    let atUnprotected = 0;
    unprotected.onDatagram(() => atUnprotected++);
    for (let i = 0; i < 5; i++) client.send(payloadOf(i, 10), { address: f.lab.server.link.ipv4, port: 7777 + p });
    await until(() => atUnprotected >= 5);
    await sleep(200);
    const [clientRsts, serverRsts] = await Promise.all([clientCap.stop(), serverCap.stop()]);
    for (const c of [client, server, unprotected] as RemotePacketConn[]) c.close();

    const fromPort = (fr: Uint8Array) => readU16(fr, readU16(fr, 12) === 0x0800 ? 34 : 54);
    const protectedRsts = [...clientRsts, ...serverRsts].filter((r) => fromPort(r.data) !== 7777 + p);
    expect(protectedRsts.length).toBe(0);
    // The control proves the capture would have seen them.
    expect(serverRsts.filter((r) => fromPort(r.data) === 7777 + p).length).toBe(5);
  });
});
}
