import { describe, expect, it } from 'vitest';
import {
  decodeGobStreamMessage,
  decodeStreamHeader,
  detectStreamHeaderKind,
  encodeGobStreamMessage,
  encodeGobTypeDefinition,
  encodeGobValueMessage,
  encodePing,
  encodeStreamHeader,
  encodeTcp,
  forkGobDefinitions,
  FORK_GOB_TYPES,
  GobCursor,
  GobStreamMessageReader,
  GobTypeId,
  GobTypeTable,
  GobWriter,
  GOB_MAX_DEFINITIONS,
  GOB_MAX_MESSAGE_LENGTH,
  PaqetValueError,
  StreamHeaderReader,
  WireErrorCode,
  type GobType,
  type GobValue,
} from '@paqet/wire';
import { GOB_DEFINITION_HEX, GOB_VALUE_VECTORS } from './gob-vectors.js';
import { hex, toHex } from './hex.js';

const PREFIX = hex(GOB_DEFINITION_HEX.join(''));
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const whole = (valueHex: string) => concat(PREFIX, hex(valueHex));

function malformedField(bytes: Uint8Array): string {
  const r = decodeGobStreamMessage(bytes);
  if (r.status !== 'malformed') throw new Error(`expected malformed, got ${JSON.stringify(r)}`);
  expect(r.error).toBeInstanceOf(PaqetValueError);
  expect(r.error.code).toBe(WireErrorCode.StreamHeader);
  expect(r.error.action).toBe('close-stream');
  return r.error.message;
}

describe('gob scalars (spec examples)', () => {
  it.each([
    [443, 'fe0376'],
    [53, '6a'],
    [-65, 'ff81'],
    [65, 'ff82'],
    [0, '00'],
    [-1, '01'],
    [2 ** 40, 'fa020000000000'],
  ])('int %d <-> %s', (value, want) => {
    const w = new GobWriter();
    w.int(value);
    expect(toHex(w.finish())).toBe(want);
    const c = new GobCursor(hex(want), 0, want.length / 2);
    expect(c.int()).toBe(value);
    expect(c.failed).toBe(false);
  });

  it('unsigned: below 128 one byte, else negated count then big-endian; non-minimal forms are read too', () => {
    const w = new GobWriter();
    w.uint(127);
    w.uint(128);
    w.uint(0x1234);
    expect(toHex(w.finish())).toBe('7fff80fe1234');
    expect(new GobCursor(hex('ff05'), 0, 2).uint()).toBe(5);
  });

  it('a count byte above 8, or an integer cut short, fails without reading past the end', () => {
    const c = new GobCursor(hex('f7 00 00'), 0, 3);
    expect(c.uint()).toBe(0);
    expect(c.failure).toMatch(/byte count 9/);
    const d = new GobCursor(hex('fe 01'), 0, 2);
    d.uint();
    expect(d.failure).toBe('truncated integer');
  });
});

describe('the fork gob header, byte for byte (spec vectors)', () => {
  it('the four type definitions are the fork\'s 203 bytes, one message each', () => {
    expect(PREFIX.length).toBe(203);
    expect(toHex(forkGobDefinitions())).toBe(toHex(PREFIX));
    FORK_GOB_TYPES.forEach(([id, type], i) => expect(toHex(encodeGobTypeDefinition(id, type))).toBe(GOB_DEFINITION_HEX[i]));
  });

  it.each(GOB_VALUE_VECTORS)('%s: encode gives the exact bytes, decode gives the values', (_name, valueHex, message) => {
    const bytes = whole(valueHex);
    expect(toHex(encodeGobStreamMessage(message))).toBe(toHex(bytes));
    expect(decodeGobStreamMessage(bytes)).toEqual({ status: 'complete', message, length: bytes.length });
    expect(decodeStreamHeader(bytes)).toEqual({ status: 'complete', kind: 'gob', message, length: bytes.length });
  });

  it('PING is 209 bytes, as the fork\'s PONG answer is', () => {
    expect(encodeGobStreamMessage({ type: 'ping' })).toHaveLength(209);
    expect(encodeStreamHeader('gob', { type: 'pong' })).toHaveLength(209);
  });

  it('encoding keeps the binary writer\'s limits', () => {
    expect(() => encodeGobStreamMessage({ type: 'tcp', host: 'h'.repeat(254), port: 1 })).toThrow(/host/);
    expect(() => encodeGobStreamMessage({ type: 'udp', host: 'h', port: 65536 })).toThrow(/port/);
    expect(() => encodeGobStreamMessage({ type: 'tcpf', flags: new Array(65).fill(0x18) })).toThrow(/tcpf count/);
    expect(() => encodeStreamHeader('binary', { type: 'tun' })).toThrow(/TUN/);
  });

  it('an empty host and port 0 still send the address record (a non-nil pointer)', () => {
    const bytes = encodeGobStreamMessage({ type: 'tcp', host: '', port: 0 });
    expect(toHex(bytes.subarray(203))).toBe('07ff820104010000');
    expect(decodeGobStreamMessage(bytes)).toMatchObject({ status: 'complete', message: { type: 'tcp', host: '', port: 0 } });
  });
});

describe('incremental decoding', () => {
  const tcp = whole(GOB_VALUE_VECTORS[6]![1]);

  it('need-more asks for whole messages; every prefix is need-more, the whole is complete', () => {
    // Each message's end, and one byte past it (the next message's length byte).
    const ends = [0x31, 0x31 + 0x25, 0x31 + 0x25 + 0x1b, 203, tcp.length];
    const boundaries = [...ends, ...ends.map((e) => e + 1)];
    for (let n = 0; n < tcp.length; n++) {
      const r = decodeGobStreamMessage(tcp.subarray(0, n));
      expect(r.status, `prefix ${n}`).toBe('need-more');
      if (r.status !== 'need-more') continue;
      expect(r.needed).toBeGreaterThan(n);
      expect(r.needed).toBeLessThanOrEqual(tcp.length);
      if (n > 0) expect(boundaries).toContain(r.needed);
    }
  });

  it('definitions before the value (the fork\'s five writes) or with it, and relay bytes after it', () => {
    const writes = [...GOB_DEFINITION_HEX.map(hex), hex(GOB_VALUE_VECTORS[6]![1])];
    const separate = new GobStreamMessageReader();
    for (const w of writes.slice(0, 4)) expect(separate.push(w).status).toBe('need-more');
    expect(separate.push(writes[4]!)).toMatchObject({ status: 'complete', message: { type: 'tcp', host: 'example.com', port: 443 } });

    const together = new StreamHeaderReader();
    const r = together.push(concat(tcp, hex('474554')));
    expect(r).toMatchObject({ status: 'complete', kind: 'gob', length: tcp.length });
    expect(toHex(r.rest)).toBe('474554');
  });

  it('one byte at a time', () => {
    const reader = new StreamHeaderReader();
    let last;
    for (const b of tcp) last = reader.push(Uint8Array.of(b));
    expect(last).toMatchObject({ status: 'complete', kind: 'gob', message: { type: 'tcp' } });
    expect(reader.push(hex('00')).status).toBe('complete');
  });
});

describe('type ids come from the definitions', () => {
  const renumber = (map: Record<number, number>, order: number[]): Uint8Array => {
    const n = (id: number) => map[id] ?? id;
    const types = new Map(FORK_GOB_TYPES.map(([id, t]) => [id, t]));
    const moved = (t: GobType): GobType =>
      t.kind === 'struct' ? { ...t, fields: t.fields.map((f) => ({ ...f, id: n(f.id) })) } : t.kind === 'slice' ? { ...t, elem: n(t.elem) } : t;
    const table = new GobTypeTable([...types].map(([id, t]) => [n(id), moved(t)] as const));
    const defs = order.map((id) => encodeGobTypeDefinition(n(id), moved(types.get(id)!)));
    const record = new Map<string, GobValue>([['Type', 4], ['Addr', new Map<string, GobValue>([['Host', 'h.example'], ['Port', 8080]])]]);
    return concat(...defs, encodeGobValueMessage(table, n(65), record));
  };

  it('other ids, other definition order', () => {
    const bytes = renumber({ 65: 100, 66: 70, 67: 90, 68: 91 }, [67, 68, 66, 65]);
    expect(decodeGobStreamMessage(bytes)).toMatchObject({ status: 'complete', message: { type: 'tcp', host: 'h.example', port: 8080 } });
  });

  it('fields matched by name: another order and unknown fields are fine', () => {
    const table = new GobTypeTable([
      [80, { kind: 'struct', name: 'Proto', fields: [{ name: 'Extra', id: GobTypeId.string }, { name: 'Addr', id: 81 }, { name: 'Type', id: GobTypeId.uint }] }],
      [81, { kind: 'struct', name: 'Addr', fields: [{ name: 'Port', id: GobTypeId.int }, { name: 'Zone', id: GobTypeId.string }, { name: 'Host', id: GobTypeId.string }] }],
    ]);
    const record = new Map<string, GobValue>([['Extra', 'x'], ['Addr', new Map<string, GobValue>([['Port', 53], ['Zone', 'eth0'], ['Host', '1.1.1.1']])], ['Type', 5]]);
    const bytes = concat(encodeGobTypeDefinition(80, table.get(80)!), encodeGobTypeDefinition(81, table.get(81)!), encodeGobValueMessage(table, 80, record));
    expect(decodeGobStreamMessage(bytes)).toMatchObject({ status: 'complete', message: { type: 'udp', host: '1.1.1.1', port: 53 } });
  });
});

describe('malformed gob headers name what failed', () => {
  const value = (v: string) => hex(v);
  const def = (id: number, type: GobType) => encodeGobTypeDefinition(id, type);

  it.each<[string, Uint8Array, RegExp]>([
    ['empty message', hex('00'), /^gob length: .*empty/],
    ['bad count byte', hex('80'), /^gob length: /],
    ['message too long', hex('fe1001'), /^gob length: .*exceeds 4096/],
    ['type id 0', hex('02 00 00'), /^gob type id: .*zero/],
    ['value before any definition', value('05 ff82 01 01 00'), /^gob value type: .*not defined/],
    ['redefining bool', hex('03 01 00 00'), /^gob type definition: .*gob's own/],
    ['defined twice', concat(PREFIX.subarray(0, 0x31), PREFIX.subarray(0, 0x31)), /defined twice/],
    ['unknown message type 7', whole('05 ff82 01 07 00'), /^type: .*unknown message type/],
    ['TCP without an address', whole('05 ff82 01 04 00'), /^addr: /],
    ['bytes left over', whole('06 ff82 01 01 00 00'), /left over/],
    ['field number past the struct', whole('05 ff82 09 01 00'), /field number 8 is out of range/],
  ])('%s', (_name, bytes, want) => {
    expect(malformedField(bytes)).toMatch(want);
  });

  it('Type sent as a signed int does not match uint8 (Go\'s rule)', () => {
    const table = new GobTypeTable([[65, { kind: 'struct', name: 'Proto', fields: [{ name: 'Type', id: GobTypeId.int }] }]]);
    const bytes = concat(def(65, table.get(65)!), encodeGobValueMessage(table, 65, new Map([['Type', 1]])));
    expect(malformedField(bytes)).toMatch(/^gob value type: .*Proto.Type: a int where uint is expected/);
  });

  it('an address type without Host (alpha.9-10\'s IP/Port/Zone) is refused rather than read as the server\'s own host', () => {
    const table = new GobTypeTable([
      [65, { kind: 'struct', name: 'Proto', fields: [{ name: 'Type', id: GobTypeId.uint }, { name: 'Addr', id: 66 }] }],
      [66, { kind: 'struct', name: 'Addr', fields: [{ name: 'IP', id: GobTypeId.bytes }, { name: 'Port', id: GobTypeId.int }, { name: 'Zone', id: GobTypeId.string }] }],
    ]);
    const record = new Map<string, GobValue>([['Type', 4], ['Addr', new Map<string, GobValue>([['IP', Uint8Array.of(10, 0, 0, 1)], ['Port', 80]])]]);
    const bytes = concat(def(65, table.get(65)!), def(66, table.get(66)!), encodeGobValueMessage(table, 65, record));
    expect(malformedField(bytes)).toMatch(/Proto.Addr: has no Host field/);
  });

  it('a struct with none of the record\'s fields', () => {
    const table = new GobTypeTable([[65, { kind: 'struct', name: 'Other', fields: [{ name: 'X', id: GobTypeId.int }] }]]);
    const bytes = concat(def(65, table.get(65)!), encodeGobValueMessage(table, 65, new Map([['X', 1]])));
    expect(malformedField(bytes)).toMatch(/none of its fields match/);
  });

  it('port above 65535 and a host above 253 bytes', () => {
    const table = new GobTypeTable(FORK_GOB_TYPES);
    const tcp = (host: string, port: number) =>
      concat(PREFIX, encodeGobValueMessage(table, 65, new Map<string, GobValue>([['Type', 4], ['Addr', new Map<string, GobValue>([['Host', host], ['Port', port]])]])));
    expect(malformedField(tcp('h', 70000))).toMatch(/^port: /);
    expect(malformedField(tcp('h'.repeat(254), 80))).toMatch(/^host length: /);
  });

  it('more than 64 flag sets', () => {
    const table = new GobTypeTable(FORK_GOB_TYPES);
    const flags = Array.from({ length: 65 }, () => new Map<string, GobValue>([['ACK', true]]));
    const bytes = concat(PREFIX, encodeGobValueMessage(table, 65, new Map<string, GobValue>([['Type', 3], ['TCPF', flags]])));
    expect(malformedField(bytes)).toMatch(/^tcpf count: /);
  });

  it(`more than ${GOB_MAX_DEFINITIONS} definitions`, () => {
    const defs = Array.from({ length: GOB_MAX_DEFINITIONS + 1 }, (_, i) => def(65 + i, { kind: 'slice', name: 's', elem: GobTypeId.int }));
    expect(malformedField(concat(...defs))).toMatch(/more than 16 type definitions/);
  });

  it('a huge element count is refused before anything is allocated for it', () => {
    // []int slice type 65 inside struct 66 {Type uint; TCPF 65}: the count claims 2^40 elements.
    const bytes = concat(
      def(65, { kind: 'slice', name: '[]int', elem: GobTypeId.int }),
      def(66, { kind: 'struct', name: 'Proto', fields: [{ name: 'Type', id: GobTypeId.uint }, { name: 'Junk', id: 65 }] }),
      hex('0c ff84 01 03 01 fa 01 00 00 00 00 00'),
    );
    expect(malformedField(bytes)).toMatch(/element count 1099511627776 exceeds/);
  });

  it(`a message length above ${GOB_MAX_MESSAGE_LENGTH} is refused before it is waited for`, () => {
    expect(decodeGobStreamMessage(hex('fc 01 00 00 00'))).toMatchObject({ status: 'malformed' });
  });
});

describe('telling the two kinds apart', () => {
  it('50 01 is binary; anything else is gob; one byte 50 waits for the second', () => {
    expect(detectStreamHeaderKind(encodePing())).toBe('binary');
    expect(detectStreamHeaderKind(encodeTcp('a', 1))).toBe('binary');
    for (const [, v] of GOB_VALUE_VECTORS) expect(detectStreamHeaderKind(whole(v))).toBe('gob');
    expect(detectStreamHeaderKind(hex(''))).toBeNull();
    expect(detectStreamHeaderKind(hex('50'))).toBeNull();
    expect(detectStreamHeaderKind(hex('50 02'))).toBe('gob');
    expect(detectStreamHeaderKind(hex('30'))).toBe('gob');
  });

  it('`50 01` read as gob would define type id 1, which gob refuses', () => {
    expect(malformedField(concat(hex('50 01'), new Uint8Array(80)))).toMatch(/gob's own/);
  });

  it('what is neither kind is refused from its first bytes, not after the length it seems to announce', () => {
    // Upstream's "bad magic" and "bad version" streams: read as gob, the type id is impossible at byte 2.
    expect(decodeStreamHeader(hex('58 01'))).toMatchObject({ status: 'malformed', kind: 'gob' });
    expect(decodeStreamHeader(hex('50 02'))).toMatchObject({ status: 'malformed', kind: 'gob' });
    expect(decodeStreamHeader(hex('47 45 54 20'))).toMatchObject({ status: 'malformed', kind: 'gob' }); // "GET "
    // A plausible start (the fork's first definition) waits for its message.
    expect(decodeStreamHeader(PREFIX.subarray(0, 3))).toEqual({ status: 'need-more', needed: 0x31 });
  });

  it('both kinds through one reader type, each with its kind', () => {
    const b = new StreamHeaderReader().push(concat(encodeTcp('example.com', 443), hex('aa')));
    expect(b).toMatchObject({ status: 'complete', kind: 'binary', message: { type: 'tcp', host: 'example.com', port: 443 } });
    expect(toHex(b.rest)).toBe('aa');
    const bad = new StreamHeaderReader().push(hex('50 01 09 00 00'));
    expect(bad).toMatchObject({ status: 'malformed', kind: 'binary' });
  });

  it('encodeStreamHeader writes each kind', () => {
    expect(toHex(encodeStreamHeader('binary', { type: 'tcp', host: 'example.com', port: 443 }))).toBe(toHex(encodeTcp('example.com', 443)));
    expect(toHex(encodeStreamHeader('gob', { type: 'udp', host: '8.8.8.8', port: 53 }))).toBe(toHex(whole(GOB_VALUE_VECTORS[7]![1])));
  });
});
