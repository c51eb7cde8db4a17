import { describe, expect, it } from 'vitest';
import {
  decodeStreamMessage,
  encodePing,
  encodePong,
  encodeStreamMessage,
  encodeTcp,
  encodeTcpf,
  encodeUdp,
  formatHostPort,
  parseHostPort,
  parseTcpFlagList,
  PaqetValueError,
  StreamMessageReader,
  WireErrorCode,
  type StreamMessage,
} from '@paqet/wire';
import { hex, toHex } from './hex.js';

// docs/protocol/stream-header.md, section 1 byte vectors (plus the golden capture's TCP message from the vectors README)
const VECTORS: [string, Uint8Array, StreamMessage][] = [
  ['PING', encodePing(), { type: 'ping' }],
  ['PONG', encodePong(), { type: 'pong' }],
  ['TCPF ["PA"]', encodeTcpf(parseTcpFlagList(['PA'])), { type: 'tcpf', flags: [0x18] }],
  ['TCPF ["S","PA"]', encodeTcpf(parseTcpFlagList(['S', 'PA'])), { type: 'tcpf', flags: [0x02, 0x18] }],
  ['TCPF [] (clear)', encodeTcpf([]), { type: 'tcpf', flags: [] }],
  ['TCP example.com:443', encodeTcp('example.com', 443), { type: 'tcp', host: 'example.com', port: 443 }],
  ['UDP 8.8.8.8:53', encodeUdp('8.8.8.8', 53), { type: 'udp', host: '8.8.8.8', port: 53 }],
  ['TCP [2001:db8::1]:80', encodeTcp('2001:db8::1', 80), { type: 'tcp', host: '2001:db8::1', port: 80 }],
  ['TCP 10.200.2.2:8000 (golden)', encodeTcp('10.200.2.2', 8000), { type: 'tcp', host: '10.200.2.2', port: 8000 }],
];
const EXPECTED_HEX: Record<string, string> = {
  PING: '50 01 01 00 00',
  PONG: '50 01 02 00 00',
  'TCPF ["PA"]': '50 01 03 00 03 01 00 18',
  'TCPF ["S","PA"]': '50 01 03 00 05 02 00 02 00 18',
  'TCPF [] (clear)': '50 01 03 00 01 00',
  'TCP example.com:443': '50 01 04 00 0e 0b 65 78 61 6d 70 6c 65 2e 63 6f 6d 01 bb',
  'UDP 8.8.8.8:53': '50 01 05 00 0a 07 38 2e 38 2e 38 2e 38 00 35',
  'TCP [2001:db8::1]:80': '50 01 04 00 0e 0b 32 30 30 31 3a 64 62 38 3a 3a 31 00 50',
  'TCP 10.200.2.2:8000 (golden)': '50 01 04 00 0d 0a 31 30 2e 32 30 30 2e 32 2e 32 1f 40',
};

describe('stream header byte vectors (docs/protocol/stream-header.md, section 1)', () => {
  it.each(VECTORS)('%s encodes and decodes', (name, bytes, message) => {
    expect(toHex(bytes)).toBe(toHex(hex(EXPECTED_HEX[name])));
    expect(toHex(encodeStreamMessage(message))).toBe(toHex(bytes));
    expect(decodeStreamMessage(bytes)).toEqual({ status: 'complete', message, length: bytes.length });
  });

  it('reports need-more with the total needed, byte by byte', () => {
    const bytes = hex(EXPECTED_HEX['TCP example.com:443']);
    for (let n = 0; n < bytes.length; n++) {
      expect(decodeStreamMessage(bytes.subarray(0, n))).toEqual({ status: 'need-more', needed: n < 5 ? 5 : bytes.length });
    }
  });

  it('the incremental reader returns trailing relay bytes', () => {
    const r = new StreamMessageReader();
    const msg = hex(EXPECTED_HEX['TCP example.com:443']);
    expect(r.push(msg.subarray(0, 3)).status).toBe('need-more');
    expect(r.push(msg.subarray(3, 10)).status).toBe('need-more');
    const tail = new Uint8Array([...msg.subarray(10), 0x47, 0x45, 0x54]);
    const done = r.push(tail);
    expect(done.status).toBe('complete');
    expect(toHex(done.rest)).toBe('474554');
    expect(r.push(hex('00')).status).toBe('complete');
  });

  it('PING/PONG bodies are read and ignored', () => {
    expect(decodeStreamMessage(hex('50 01 01 00 02 aa bb'))).toEqual({ status: 'complete', message: { type: 'ping' }, length: 7 });
  });

  it('TCPF ignores bits 9-15 of each word', () => {
    expect(decodeStreamMessage(hex('50 01 03 00 03 01 fe 18'))).toEqual({ status: 'complete', message: { type: 'tcpf', flags: [0x018] }, length: 8 });
  });
});

describe('malformed stream headers name the field and value', () => {
  it.each([
    ['bad magic', '51 01 01 00 00', 'magic', 0x51],
    ['bad version', '50 02 01 00 00', 'version', 2],
    ['body length > 4096', '50 01 04 10 01', 'length', 4097],
    ['unknown type (after its body)', '50 01 06 00 01 00', 'type', 6],
    ['type 0', '50 01 00 00 00', 'type', 0],
    ['TCP body < 3', '50 01 04 00 02 00 00', 'length', 2],
    ['host length > 253', `50 01 04 01 01 fe ${'61'.repeat(254)} 00 50`, 'host length', 254],
    ['host length mismatch', '50 01 05 00 04 02 61 00 35', 'host length', 2],
    ['empty TCPF', '50 01 03 00 00', 'length', 0],
    ['TCPF count > 64', `50 01 03 00 83 41 ${'0018'.repeat(65)}`, 'tcpf count', 65],
    ['TCPF count mismatch', '50 01 03 00 04 01 00 18 00', 'tcpf count', 1],
  ])('%s', (_name, h, field, value) => {
    const r = decodeStreamMessage(hex(h));
    expect(r.status).toBe('malformed');
    if (r.status !== 'malformed') return;
    expect(r.error).toBeInstanceOf(PaqetValueError);
    expect(r.error.code).toBe(WireErrorCode.StreamHeader);
    expect(r.error.field).toBe(field);
    expect(r.error.value).toBe(value);
    expect(r.error.action).toBe('close-stream');
  });

  it('bad magic is only judged once 5 bytes are there (upstream reads the header first)', () => {
    expect(decodeStreamMessage(hex('51 01')).status).toBe('need-more');
  });
});

describe('writer rules (docs/protocol/stream-header.md, section 1)', () => {
  it('accepts a 253-byte host and an empty host', () => {
    expect(encodeTcp('a'.repeat(253), 1).length).toBe(5 + 1 + 253 + 2);
    expect(toHex(encodeUdp('', 0))).toBe('50010500030000' + '00');
  });
  it.each([
    ['host > 253 bytes', () => encodeTcp('a'.repeat(254), 1), 'host'],
    ['port > 65535', () => encodeUdp('x', 65536), 'port'],
    ['port negative', () => encodeTcp('x', -1), 'port'],
    ['65 TCPF entries', () => encodeTcpf(new Array(65).fill(0x18)), 'tcpf count'],
    ['unknown type', () => encodeStreamMessage({ type: 'nope' } as unknown as StreamMessage), 'type'],
  ])('rejects %s', (_name, fn, field) => {
    expect(fn).toThrowError(expect.objectContaining({ code: WireErrorCode.StreamEncode, field }));
  });
});

describe('host:port text (docs/protocol/stream-header.md)', () => {
  it.each([
    ['example.com:443', 'example.com', 443],
    ['10.200.2.2:8000', '10.200.2.2', 8000],
    ['[2001:db8::1]:80', '2001:db8::1', 80],
    [':53', '', 53],
    ['host:70000', 'host', 70000], // range is the writer's job
  ])('%s', (text, host, port) => {
    expect(parseHostPort(text)).toEqual({ host, port });
    expect(formatHostPort(host, port)).toBe(text);
  });
  it.each(['example.com', '2001:db8::1:80', '[2001:db8::1:80', 'h:x', 'h:'])('rejects %j', (text) => {
    expect(() => parseHostPort(text)).toThrowError(expect.objectContaining({ code: WireErrorCode.Address, value: text }));
  });
});
