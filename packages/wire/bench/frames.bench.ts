/**
 * Frames assembled and parsed per second with 1400-byte payloads. Each
 * benchmark iteration handles BATCH frames so harness overhead does not
 * dominate: frames/s = reported hz * BATCH.
 */
import { bench, describe } from 'vitest';
import { decodeInboundFrame, InboundDecoder, IpEndpoint, PaqetEnvelope } from '@paqet/wire';
import { Ipv4View, TcpView } from '@paqet/wire/layers';

const BATCH = 1000;
const payload = new Uint8Array(1400).map((_, i) => (i * 31) & 0xff);
const envelope = new PaqetEnvelope({
  localMac: '02:00:00:00:00:01',
  routerMacV4: '02:00:00:00:00:fe',
  routerMacV6: '02:00:00:00:00:fe',
  localIpv4: '192.0.2.10',
  localIpv6: '2001:db8::10',
  localPort: 40000,
});
const dstV4 = { address: '198.51.100.20', port: 9999 };
const dstV4Parsed = IpEndpoint.parse('198.51.100.20:9999');
const dstV6 = { address: '2001:db8::20', port: 9999 };
const out = new Uint8Array(1600);

const frameV4 = out.slice(0, envelope.assemble(out, payload, dstV4));
const frameV6 = out.slice(0, envelope.assemble(out, payload, dstV6));
const decoder = new InboundDecoder();
let sink = 0;

describe(`assemble (x${BATCH} frames per op, 1400-byte payload)`, () => {
  bench('PaqetEnvelope.assemble IPv4 (plain Endpoint)', () => {
    for (let i = 0; i < BATCH; i++) sink += envelope.assemble(out, payload, dstV4);
  });
  bench('PaqetEnvelope.assemble IPv4 (IpEndpoint)', () => {
    for (let i = 0; i < BATCH; i++) sink += envelope.assemble(out, payload, dstV4Parsed);
  });
  bench('PaqetEnvelope.assemble IPv6', () => {
    for (let i = 0; i < BATCH; i++) sink += envelope.assemble(out, payload, dstV6);
  });
});

describe(`parse (x${BATCH} frames per op, 1400-byte payload)`, () => {
  bench('decodeInboundFrame IPv4', () => {
    for (let i = 0; i < BATCH; i++) sink += decodeInboundFrame(frameV4, 9999).payloadLength;
  });
  bench('InboundDecoder.decode IPv6', () => {
    for (let i = 0; i < BATCH; i++) sink += decoder.decode(frameV6, 9999).payloadLength;
  });
  const ip = new Ipv4View();
  const tcp = new TcpView();
  bench('Ipv4View + TcpView reset, both checksums verified', () => {
    for (let i = 0; i < BATCH; i++) {
      ip.reset(frameV4, 14);
      tcp.reset(frameV4, ip.payloadOffset, ip.end);
      if (ip.checksumValid() && tcp.checksumValid(frameV4.subarray(26, 30), frameV4.subarray(30, 34))) sink++;
    }
  });
});

export { sink };
