// Pure codecs: SOCKS5 messages (RFC 1928/1929 byte layouts), address text, UDP-over-stream framing.
import { describe, expect, it } from 'vitest';
import { parseTarget } from '@paqet/proxy';
import { ReplyCode, encodeReply, encodeUdpHeader, parseGreeting, parseRequest, parseUdpHeader, parseUserPass } from '@paqet/proxy/socks5';
import { decodeUdpFrame, encodeUdpFrame } from '@paqet/proxy/udp';
import { formatHostPort } from '@paqet/wire';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('SOCKS5 codec', () => {
  it('parses greetings and user/pass incrementally', () => {
    expect(parseGreeting(Uint8Array.from([5]))).toEqual({ status: 'incomplete' });
    expect(parseGreeting(Uint8Array.from([5, 2, 0]))).toEqual({ status: 'incomplete' });
    const ok = parseGreeting(Uint8Array.from([5, 2, 0, 2, 99]));
    expect(ok.status === 'ok' && [...ok.value.methods]).toEqual([0, 2]);
    expect(ok.status === 'ok' && ok.length).toBe(4);
    expect(parseGreeting(Uint8Array.from([4, 1, 0])).status).toBe('invalid');
    const auth = parseUserPass(Uint8Array.from([1, 1, 0x75, 2, 0x70, 0x71]));
    expect(auth.status === 'ok' && Buffer.from(auth.value.password).toString()).toBe('pq');
    expect(parseUserPass(Uint8Array.from([1, 1, 0x75, 2, 0x70])).status).toBe('incomplete');
    expect(parseUserPass(Uint8Array.from([2, 0, 0])).status).toBe('invalid');
  });

  it('parses requests for IPv4, IPv6 (canonical and mapped) and domains', () => {
    const v4 = parseRequest(Uint8Array.from([5, 1, 0, 1, 10, 0, 0, 1, 0x01, 0xbb]));
    expect(v4).toEqual({ status: 'ok', value: { command: 1, type: 1, host: '10.0.0.1', port: 443 }, length: 10 });
    const v6 = Uint8Array.from([5, 1, 0, 4, 0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 1, 0, 80]);
    expect(parseRequest(v6).status === 'ok' && (parseRequest(v6) as { value: { host: string } }).value.host).toBe('2001:db8::1');
    const mapped = Uint8Array.from([5, 1, 0, 4, ...new Array(10).fill(0), 0xff, 0xff, 1, 2, 3, 4, 0, 80]);
    expect((parseRequest(mapped) as { value: { host: string } }).value.host).toBe('1.2.3.4');
    const name = parseRequest(Uint8Array.from([5, 3, 0, 3, 3, 0x61, 0x2e, 0x62, 0, 53]));
    expect(name).toEqual({ status: 'ok', value: { command: 3, type: 3, host: 'a.b', port: 53 }, length: 10 });
    expect(parseRequest(Uint8Array.from([5, 1, 0, 3, 3, 0x61]))).toEqual({ status: 'incomplete' });
    expect(parseRequest(Uint8Array.from([5, 1, 0, 7, 0]))).toMatchObject({ status: 'invalid', reply: ReplyCode.AddressTypeNotSupported });
  });

  it('encodes replies with the spec bytes', () => {
    expect(hex(encodeReply(ReplyCode.GeneralFailure))).toBe('05010001000000000000');
    expect(hex(encodeReply(ReplyCode.CommandNotSupported))).toBe('05070001000000000000');
    expect(hex(encodeReply(ReplyCode.Succeeded, { address: '127.0.0.1', port: 1080 }))).toBe('050000017f0000010438');
    expect(hex(encodeReply(ReplyCode.Succeeded, { address: '::ffff:127.0.0.1', port: 1 }))).toBe('050000017f0000010001');
    expect(hex(encodeReply(ReplyCode.Succeeded, { address: '::1', port: 2 }))).toBe('0500000400000000000000000000000000000001' + '0002');
  });

  it('round-trips UDP headers', () => {
    for (const [host, port] of [['8.8.8.8', 53], ['2001:db8::5', 1], ['example.com', 443]] as const) {
      const header = encodeUdpHeader(host, port);
      expect(parseUdpHeader(Buffer.concat([header, Buffer.from('x')]))).toMatchObject({ fragment: 0, host, port, length: header.length });
    }
    expect(hex(encodeUdpHeader('8.8.8.8', 53))).toBe('00000001080808080035');
    expect(parseUdpHeader(Uint8Array.from([0, 0, 0, 3, 5, 0x61]))).toBeNull();
  });
});

describe('addresses', () => {
  it('formats and parses host:port with brackets for IPv6', () => {
    expect(formatHostPort('2001:db8::1', 80)).toBe('[2001:db8::1]:80');
    expect(parseTarget('[::1]:53')).toEqual({ host: '::1', port: 53 });
    expect(parseTarget(':8080')).toEqual({ host: '', port: 8080 });
    expect(() => parseTarget('::1:53')).toThrowError(expect.objectContaining({ code: 'PAQET_ERR_ADDRESS' }));
    expect(() => parseTarget('a:70000')).toThrowError(expect.objectContaining({ code: 'PAQET_ERR_ADDRESS' }));
  });
});

describe('UDP-over-stream framing (docs/protocol/stream-header.md, section 3)', () => {
  it('a datagram is its own frame: 1..4096 bytes', () => {
    const d = Uint8Array.of(1, 2, 3);
    expect(encodeUdpFrame(d)).toBe(d);
    expect(() => encodeUdpFrame(new Uint8Array(4097))).toThrow(/1-4096/);
    expect(() => encodeUdpFrame(new Uint8Array(0))).toThrow();
  });

  it('decodes oversize frames like the reference readers', () => {
    const sizes = (frame: number, reader: 'server' | 'client'): number[] => {
      const out: number[] = [];
      decodeUdpFrame(new Uint8Array(frame), reader, (d) => out.push(d.length));
      return out;
    };
    expect(sizes(4096, 'server')).toEqual([4096]);
    expect(sizes(4097, 'server')).toEqual([]);
    expect(sizes(5000, 'server')).toEqual([903]);
    expect(sizes(9000, 'client')).toEqual([4096, 4096, 808]);
    expect(decodeUdpFrame(new Uint8Array(8194), 'server', () => {})).toBe(8194);
  });
});
