import { describe, expect, it } from 'vitest';
import { decodeInboundFrame, InboundDecoder, InboundDrop } from '@paqet/wire';
import { hex, toHex } from './hex.js';
import { SPEC_FRAMES } from './spec-vectors.js';

const V4 = SPEC_FRAMES[0].frame;
const V6 = SPEC_FRAMES[3].frame;

function mutate(frame: Uint8Array, edit: (f: Uint8Array) => void): Uint8Array {
  const f = frame.slice();
  edit(f);
  return f;
}

describe('decodeInboundFrame (docs/protocol/frames.md, section 5)', () => {
  it('delivers the IPv4 payload and source endpoint', () => {
    const r = decodeInboundFrame(V4, 9999);
    expect(r.dropReason).toBeNull();
    expect(r.ok).toBe(true);
    expect(toHex(r.payload)).toBe('50494e47');
    expect(r.source?.text).toBe('192.0.2.10:40000');
    expect(r.source?.address).toBe('192.0.2.10');
    expect(r.family).toBe(4);
  });

  it('delivers the IPv6 payload and source endpoint', () => {
    const r = decodeInboundFrame(V6);
    expect(r.ok).toBe(true);
    expect(toHex(r.payload)).toBe('50494e47');
    expect(r.source?.text).toBe('[2001:db8::10]:40000');
  });

  it('trims Ethernet padding to the IPv4 total length', () => {
    const padded = new Uint8Array(V4.length + 10);
    padded.set(V4);
    const r = decodeInboundFrame(padded);
    expect(r.payloadLength).toBe(4);
  });

  it('uses the captured length when the IPv4 total length is 0 (TSO)', () => {
    const r = decodeInboundFrame(mutate(V4, (f) => ((f[16] = 0), (f[17] = 0))));
    expect(r.ok).toBe(true);
    expect(r.payloadLength).toBe(4);
  });

  it('skips IPv4 options and an IPv6 Hop-by-Hop header', () => {
    // IPv4 with IHL 6: 4 option bytes (NOPs) inserted after the header
    const withOpts = new Uint8Array(V4.length + 4);
    withOpts.set(V4.subarray(0, 34));
    withOpts.set([1, 1, 1, 0], 34);
    withOpts.set(V4.subarray(34), 38);
    withOpts[14] = 0x46;
    withOpts[17] += 4;
    expect(toHex(decodeInboundFrame(withOpts).payload)).toBe('50494e47');
    // IPv6 with an 8-byte Hop-by-Hop header (next = TCP, len 0, PadN)
    const hbh = new Uint8Array(V6.length + 8);
    hbh.set(V6.subarray(0, 54));
    hbh.set(hex('06 00 01 04 00000000'), 54);
    hbh.set(V6.subarray(54), 62);
    hbh[20] = 0; // next header: Hop-by-Hop
    hbh[19] += 8;
    const r = decodeInboundFrame(hbh);
    expect(r.dropReason).toBeNull();
    expect(toHex(r.payload)).toBe('50494e47');
  });

  it.each([
    ['VLAN tag', V4, (f: Uint8Array): void => void ((f[12] = 0x81), (f[13] = 0x00)), InboundDrop.Vlan],
    ['ARP', V4, (f: Uint8Array): void => void ((f[12] = 0x08), (f[13] = 0x06)), InboundDrop.NotIp],
    ['IPv4 MF set', V4, (f: Uint8Array): void => void (f[20] = 0x60), InboundDrop.Fragment],
    ['IPv4 fragment offset', V4, (f: Uint8Array): void => void (f[21] = 0x01), InboundDrop.Fragment],
    ['UDP', V4, (f: Uint8Array): void => void (f[23] = 17), InboundDrop.NotTcp],
    ['IHL 4', V4, (f: Uint8Array): void => void (f[14] = 0x44), InboundDrop.BadHeader],
    ['total length > captured', V4, (f: Uint8Array): void => void (f[17] = 0x40), InboundDrop.Truncated],
    ['total length < header', V4, (f: Uint8Array): void => void (f[17] = 0x10), InboundDrop.BadHeader],
    ['TCP data offset 4', V4, (f: Uint8Array): void => void (f[46] = 0x40), InboundDrop.BadHeader],
    ['TCP data offset past the packet', V4, (f: Uint8Array): void => void (f[46] = 0xf0), InboundDrop.BadHeader],
    ['bad TCP option length', V4, (f: Uint8Array): void => void (f[57] = 0x01), InboundDrop.BadTcpOptions],
    ['IPv6 fragment header', V6, (f: Uint8Array): void => void (f[20] = 44), InboundDrop.Ipv6Extension],
    ['IPv6 routing header', V6, (f: Uint8Array): void => void (f[20] = 43), InboundDrop.Ipv6Extension],
    ['IPv6 ICMPv6', V6, (f: Uint8Array): void => void (f[20] = 58), InboundDrop.NotTcp],
  ])('drops %s', (_name, frame, edit, reason) => {
    expect(decodeInboundFrame(mutate(frame, edit)).dropReason).toBe(reason);
  });

  it('drops empty payloads, short frames and other ports', () => {
    expect(decodeInboundFrame(SPEC_FRAMES[4].frame).dropReason).toBe(InboundDrop.EmptyPayload);
    expect(decodeInboundFrame(V4.subarray(0, 13)).dropReason).toBe(InboundDrop.Truncated);
    expect(decodeInboundFrame(V4.subarray(0, 40)).dropReason).toBe(InboundDrop.Truncated);
    expect(decodeInboundFrame(V4, 1234).dropReason).toBe(InboundDrop.WrongPort);
  });

  it('ignores checksums, flags and the version nibble', () => {
    const r = decodeInboundFrame(mutate(V4, (f) => ((f[24] ^= 0xff), (f[50] ^= 0xff), (f[47] = 0), (f[14] = 0x55))));
    expect(r.ok).toBe(true);
  });

  it('reuses its result object and caches source endpoints', () => {
    const d = new InboundDecoder();
    const a = d.decode(V4);
    const srcA = a.source;
    const b = d.decode(V4);
    expect(b).toBe(a);
    expect(b.source).toBe(srcA);
    const other = mutate(V4, (f) => (f[29] = 11));
    expect(d.decode(other).source?.address).toBe('192.0.2.11');
    expect(srcA?.address).toBe('192.0.2.10'); // cached endpoints are immutable
    const buf = new Uint8Array(2);
    d.decode(V4);
    expect(d.result.copyPayload(buf)).toBe(2);
    expect(toHex(buf)).toBe('5049');
  });
});
