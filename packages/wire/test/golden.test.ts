/**
 * Every frame of every golden capture (made by the Go reference) parses, its
 * checksums verify, the inbound decoder finds the same payload and source, and
 * PaqetEnvelope rebuilds it byte for byte from the parsed payload/flags and the
 * generators seeded with the capture's start values (T0, first counter).
 */
import { describe, expect, it } from 'vitest';
import { GOLDEN, loadVectorPackets, vectorNames } from '@paqet/testkit';
import { decodeInboundFrame, generateSegmentNumbers, PaqetEnvelope } from '@paqet/wire';
import { EthernetView, Ipv4View, TcpView } from '@paqet/wire/layers';
import { toHex } from './hex.js';

const names = vectorNames();

/** Counter and T0 recovered from one non-SYN frame (c < 1024): ack = seq - (c & 0x3ff) + 1400, seq = T0 + (c << 7). */
function startValues(tcp: TcpView): { counter: number; t0: number } {
  const counter = (tcp.seq - tcp.ack + 1400) & 0x3ff;
  const t0 = (tcp.seq - (counter << 7)) >>> 0;
  return { counter, t0 };
}

function envelopeFor(fromClient: boolean, t0: number, counter: number): PaqetEnvelope {
  const self = fromClient ? GOLDEN.client : GOLDEN.server;
  const peer = fromClient ? GOLDEN.server : GOLDEN.client;
  return new PaqetEnvelope({
    localMac: self.mac,
    routerMacV4: peer.mac,
    localIpv4: self.address,
    localPort: self.port,
    startTimeMs: t0,
    initialCounter: counter - 1,
  });
}

describe('golden captures', () => {
  it('has all 17 vectors', () => {
    expect(names).toHaveLength(17);
  });

  describe.each(names)('%s.pcap', (name) => {
    const packets = loadVectorPackets(name);

    it('every frame parses and its IPv4 and TCP checksums verify', () => {
      expect(packets.length).toBeGreaterThan(0);
      for (const p of packets) {
        const eth = EthernetView.parse(p.frame);
        expect(eth.etherType).toBe(0x0800);
        const ip = Ipv4View.parse(p.frame, eth.payloadOffset);
        expect([ip.tos, ip.identification, ip.dontFragment, ip.ttl, ip.protocol]).toEqual([0xb8, 0, true, 64, 6]);
        expect(ip.checksumValid()).toBe(true);
        const tcp = TcpView.parse(p.frame, ip.payloadOffset, ip.end);
        expect(tcp.checksumValid(ip.source, ip.destination)).toBe(true);
        expect(tcp.window).toBe(0xffff);
        expect(tcp.flags).toBe(0x18); // local_flag/remote_flag ["PA"] on both sides
        expect(tcp.options()).toEqual([{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamps', value: expect.any(Number), echo: expect.any(Number) }]);
        expect(toHex(tcp.payload)).toBe(toHex(p.payload));
      }
    });

    it('the inbound decoder delivers every payload with its source endpoint', () => {
      for (const p of packets) {
        const localPort = p.fromClient ? GOLDEN.server.port : GOLDEN.client.port;
        const r = decodeInboundFrame(p.frame, localPort);
        expect(r.dropReason).toBeNull();
        const from = p.fromClient ? GOLDEN.client : GOLDEN.server;
        expect(r.source?.text).toBe(`${from.address}:${from.port}`);
        expect(toHex(r.payload)).toBe(toHex(p.payload));
      }
    });

    it('the envelope re-assembles every frame byte for byte from the generators', () => {
      const out = new Uint8Array(2048);
      const envelopes = new Map<boolean, PaqetEnvelope>();
      const counters: number[] = [];
      for (const p of packets) {
        const tcp = TcpView.parse(p.frame, 34);
        let env = envelopes.get(p.fromClient);
        // ping.pcap holds two separate `paqet ping` runs: each is a new send handle (new T0, counter 0).
        if (!env || name === 'ping') {
          const { t0, counter } = startValues(tcp);
          env = envelopeFor(p.fromClient, t0, counter);
          envelopes.set(p.fromClient, env);
        }
        const c = env.nextCounter;
        // The generators alone reproduce the captured numbers...
        const n = generateSegmentNumbers(env.startTime, c, tcp.flags);
        const ts = tcp.options()[2] as { value: number; echo: number };
        expect([n.seq, n.ack, n.tsval, n.tsecr]).toEqual([tcp.seq, tcp.ack, ts.value, ts.echo]);
        // ...and the whole frame comes out identical.
        const dst = p.fromClient ? GOLDEN.server : GOLDEN.client;
        const len = env.assemble(out, p.payload, { address: dst.address, port: dst.port });
        expect(toHex(out.subarray(0, len))).toBe(toHex(p.frame));
        counters.push(c);
      }
      // Each direction's counter starts at 1 and steps by one per packet.
      if (name !== 'ping') {
        const client = packets.filter((p) => p.fromClient).length;
        expect(envelopes.get(true)?.counter).toBe(client);
        expect(envelopes.get(false)?.counter).toBe(packets.length - client);
      } else expect(counters).toEqual([1, 1]);
    });
  });
});
