import { describe, expect, it } from 'vitest';
import { IpEndpoint, Ipv4Address, Ipv6Address, MacAddress, PaqetValueError, parseIpAddress, WireErrorCode } from '@paqet/wire';

function expectAddressError(fn: () => unknown, field: string) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PaqetValueError);
    expect((e as PaqetValueError).code).toBe(WireErrorCode.Address);
    expect((e as PaqetValueError).field).toBe(field);
    return;
  }
  throw new Error('expected a throw');
}

describe('MacAddress', () => {
  it('parses colon and dash forms and prints lower case', () => {
    expect(MacAddress.parse('02:00:00:00:00:FE').text).toBe('02:00:00:00:00:fe');
    expect(Array.from(MacAddress.parse('02-50-51-00-01-01').bytes)).toEqual([2, 0x50, 0x51, 0, 1, 1]);
  });
  it.each(['', '02:00:00:00:00', '02:00:00:00:00:00:00', '02:00:00:00:00:0g', '2:0:0:0:0:1'])('rejects %j', (t) => {
    expectAddressError(() => MacAddress.parse(t), 'mac');
  });
  it('rejects an 8-byte EUI-64 given as bytes', () => {
    expectAddressError(() => MacAddress.from(new Uint8Array(8)), 'mac');
  });
});

describe('Ipv4Address', () => {
  it('round-trips text, bytes and value', () => {
    const a = Ipv4Address.parse('192.0.2.10');
    expect(Array.from(a.bytes)).toEqual([192, 0, 2, 10]);
    expect(a.value).toBe(0xc000020a);
    expect(Ipv4Address.fromValue(0xc6336414).text).toBe('198.51.100.20');
  });
  it.each(['1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.-4', 'a.b.c.d', ''])('rejects %j', (t) => {
    expectAddressError(() => Ipv4Address.parse(t), 'ipv4');
  });
});

describe('Ipv6Address', () => {
  it.each([
    ['2001:db8::10', '2001:db8::10'],
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
  ])('parses %s and prints RFC 5952 %s', (input, text) => {
    expect(Ipv6Address.parse(input).text).toBe(text);
  });
  it('detects IPv4-mapped addresses', () => {
    expect(Ipv6Address.parse('::ffff:10.0.0.1').ipv4Mapped?.text).toBe('10.0.0.1');
    expect(Ipv6Address.parse('2001:db8::1').ipv4Mapped).toBeNull();
  });
  it.each([':::', '1:2:3:4:5:6:7:8:9', '1::2::3', '12345::', 'fe80::1%eth0', 'g::', '1:2:3:4:5:6:7'])('rejects %j', (t) => {
    expectAddressError(() => Ipv6Address.parse(t), 'ipv6');
  });
});

describe('IpEndpoint', () => {
  it('parses and prints IPv4 and bracketed IPv6', () => {
    const a = IpEndpoint.parse('203.0.113.5:41234');
    expect(a.ip.family).toBe(4);
    expect(a.port).toBe(41234);
    expect(a.text).toBe('203.0.113.5:41234');
    const b = IpEndpoint.parse('[2001:DB8::5]:41234');
    expect(b.address).toBe('2001:db8::5');
    expect(b.text).toBe('[2001:db8::5]:41234');
    expect(IpEndpoint.from({ address: '10.0.0.1', port: 1 }).equals(IpEndpoint.parse('10.0.0.1:1'))).toBe(true);
    expect(parseIpAddress('[::1]').text).toBe('::1');
  });
  it('rejects bad endpoints', () => {
    expectAddressError(() => IpEndpoint.parse('1.2.3.4'), 'endpoint');
    expectAddressError(() => IpEndpoint.parse('2001:db8::1:80'), 'endpoint');
    expectAddressError(() => IpEndpoint.parse('1.2.3.4:x'), 'endpoint');
    expectAddressError(() => IpEndpoint.parse('1.2.3.4:65536'), 'port');
    expectAddressError(() => new IpEndpoint(Ipv4Address.parse('1.2.3.4'), -1), 'port');
  });
});
