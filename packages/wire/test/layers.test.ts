import { describe, expect, it } from 'vitest';
import { PaqetError, WireErrorCode } from '@paqet/wire';
import {
  assembleEthernet,
  assembleIpv4,
  assembleIpv6,
  assembleTcp,
  EthernetView,
  internetChecksum,
  Ipv4View,
  Ipv6View,
  parseTcpOptions,
  setTcpChecksum,
  TcpView,
} from '@paqet/wire/layers';
import { hex, toHex } from './hex.js';

// docs/protocol/frames.md, section 3: IPv4, flags PA, c = 1.
const V4_PA = hex(`0200000000fe 020000000001 0800
45 b8 0038 0000 4000 40 06 4db6 c000020a c6336414
9c40 270f 123456f8 12345c6f 8018 ffff 7f89 0000
0101080a 12345678 12345645 50494e47`);
// docs/protocol/frames.md, section 3: IPv6, flags PA, c = 1.
const V6_PA = hex(`0200000000fe 020000000001 86dd
6b800000 0024 06 40 20010db8000000000000000000000010 20010db8000000000000000000000020
9c40 270f 123456f8 12345c6f 8018 ffff 103a 0000
0101080a 12345678 12345645 50494e47`);

describe('Internet checksum', () => {
  it('matches the RFC 1071 example', () => {
    const b = hex('0001 f203 f4f5 f6f7');
    expect(internetChecksum(b)).toBe(~0xddf2 & 0xffff);
  });
  it('handles odd lengths by zero-padding', () => {
    expect(internetChecksum(hex('01'))).toBe(~0x0100 & 0xffff);
    expect(internetChecksum(hex('0102 03'))).toBe(~(0x0102 + 0x0300) & 0xffff);
  });
});

describe('parse views over the spec vectors', () => {
  it('reads every IPv4 PA field', () => {
    const eth = EthernetView.parse(V4_PA);
    expect(toHex(eth.destination)).toBe('0200000000fe');
    expect(toHex(eth.source)).toBe('020000000001');
    expect(eth.etherType).toBe(0x0800);
    const ip = Ipv4View.parse(V4_PA, eth.payloadOffset);
    expect([ip.version, ip.headerLength, ip.tos, ip.totalLength, ip.identification, ip.ttl, ip.protocol]).toEqual([4, 20, 0xb8, 0x38, 0, 64, 6]);
    expect(ip.dontFragment).toBe(true);
    expect(ip.isFragment).toBe(false);
    expect(ip.checksum).toBe(0x4db6);
    expect(ip.checksumValid()).toBe(true);
    const tcp = TcpView.parse(V4_PA, ip.payloadOffset, ip.end);
    expect([tcp.sourcePort, tcp.destinationPort, tcp.seq, tcp.ack, tcp.headerLength, tcp.flags, tcp.window, tcp.checksum]).toEqual([
      40000, 9999, 0x123456f8, 0x12345c6f, 32, 0x18, 0xffff, 0x7f89,
    ]);
    expect(tcp.options()).toEqual([{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamps', value: 0x12345678, echo: 0x12345645 }]);
    expect(tcp.checksumValid(ip.source, ip.destination)).toBe(true);
    expect(toHex(tcp.payload)).toBe('50494e47');
    // zero-copy: the payload view shares the frame's buffer
    expect(tcp.payload.buffer).toBe(V4_PA.buffer);
  });

  it('reads every IPv6 PA field', () => {
    const ip = Ipv6View.parse(V6_PA, 14);
    expect([ip.version, ip.trafficClass, ip.flowLabel, ip.payloadLength, ip.nextHeader, ip.hopLimit]).toEqual([6, 0xb8, 0, 0x24, 6, 64]);
    const tcp = TcpView.parse(V6_PA, ip.payloadOffset, ip.end);
    expect(tcp.checksumValid(ip.source, ip.destination)).toBe(true);
    expect(toHex(tcp.payload)).toBe('50494e47');
  });

  it('trims to the IPv4 total length and keeps Ethernet padding out', () => {
    const padded = new Uint8Array(V4_PA.length + 6);
    padded.set(V4_PA);
    const ip = Ipv4View.parse(padded, 14);
    expect(ip.end).toBe(V4_PA.length);
    expect(ip.truncated).toBe(false);
    const cut = V4_PA.subarray(0, V4_PA.length - 2);
    expect(Ipv4View.parse(cut, 14).truncated).toBe(true);
  });

  it('parses SYN options and keeps unknown kinds raw', () => {
    const opts = hex('020405b4 0402 080a 12345678 00000000 01 030308 fe03aa 00 0000');
    expect(parseTcpOptions(opts, 0, opts.length)).toEqual([
      { kind: 'mss', value: 1460 },
      { kind: 'sack-permitted' },
      { kind: 'timestamps', value: 0x12345678, echo: 0 },
      { kind: 'nop' },
      { kind: 'window-scale', shift: 8 },
      { kind: 'unknown', type: 0xfe, data: hex('aa') },
      { kind: 'eol' },
    ]);
  });

  it.each([
    ['length byte missing', '01 02'],
    ['length < 2', '02 01 00 00'],
    ['runs past the end', '08 0a 00 00'],
  ])('rejects malformed options (%s) with a typed error', (_name, h) => {
    const b = hex(h);
    expect(() => parseTcpOptions(b, 0, b.length)).toThrowError(expect.objectContaining({ code: WireErrorCode.BadTcpOption }));
  });

  it('rejects bad headers with typed errors', () => {
    const bad = V4_PA.slice();
    bad[14] = 0x44; // IHL 4
    expect(() => Ipv4View.parse(bad, 14)).toThrowError(expect.objectContaining({ code: WireErrorCode.BadHeader, field: 'ipv4.ihl' }));
    expect(() => EthernetView.parse(V4_PA.subarray(0, 13))).toThrowError(PaqetError);
    const tcpBad = V4_PA.slice();
    tcpBad[14 + 20 + 12] = 0x40; // data offset 4
    expect(() => TcpView.parse(tcpBad, 34)).toThrowError(expect.objectContaining({ field: 'tcp.dataOffset', value: 4 }));
  });
});

describe('assemble from fields', () => {
  it('rebuilds the IPv4 PA vector byte for byte', () => {
    const out = new Uint8Array(200);
    const base = 7; // any offset in the caller's buffer
    let off = base;
    off += assembleEthernet(out, off, hex('0200000000fe'), hex('020000000001'), 0x0800);
    const ipOff = off;
    off += assembleIpv4(out, off, {
      tos: 0xb8, totalLength: 0x38, dontFragment: true, ttl: 64, protocol: 6, source: hex('c000020a'), destination: hex('c6336414'),
    });
    const tcpOff = off;
    off += assembleTcp(out, off, {
      sourcePort: 40000, destinationPort: 9999, seq: 0x123456f8, ack: 0x12345c6f, flags: 0x18, window: 0xffff,
      options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamps', value: 0x12345678, echo: 0x12345645 }],
    });
    out.set(hex('50494e47'), off);
    off += 4;
    setTcpChecksum(out, tcpOff, off, out.subarray(ipOff + 12, ipOff + 16), out.subarray(ipOff + 16, ipOff + 20));
    expect(toHex(out.subarray(base, off))).toBe(toHex(V4_PA));
  });

  it('rebuilds the IPv6 PA vector byte for byte', () => {
    const out = new Uint8Array(V6_PA.length);
    let off = assembleEthernet(out, 0, hex('0200000000fe'), hex('020000000001'), 0x86dd);
    off += assembleIpv6(out, off, {
      trafficClass: 0xb8, payloadLength: 0x24, nextHeader: 6, hopLimit: 64,
      source: hex('20010db8000000000000000000000010'), destination: hex('20010db8000000000000000000000020'),
    });
    const tcpOff = off;
    off += assembleTcp(out, off, { sourcePort: 40000, destinationPort: 9999, seq: 0x123456f8, ack: 0x12345c6f, flags: 0x18, window: 0xffff, options: hex('0101080a1234567812345645') });
    out.set(hex('50494e47'), off);
    setTcpChecksum(out, tcpOff, out.length, out.subarray(22, 38), out.subarray(38, 54));
    expect(toHex(out)).toBe(toHex(V6_PA));
  });

  it('refuses to write past the caller buffer', () => {
    expect(() => assembleEthernet(new Uint8Array(13), 0, new Uint8Array(6), new Uint8Array(6), 0x800)).toThrowError(
      expect.objectContaining({ code: WireErrorCode.BufferTooSmall }),
    );
  });
});
