/**
 * paqet's message as the QUIC fork (and upstream alpha.11-alpha.19) sends it:
 * the gob encoding of one record, written by a fresh encoder per message so
 * the four type definitions always come first (docs/upstream-and-fork.md).
 *
 *   Proto = struct { Type uint8; Addr *Addr; TCPF []TCPF }
 *   Addr  = struct { Host string; Port int }
 *   TCPF  = struct { FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, NS bool }
 */
import type { StreamMessage } from '../stream-header.js';
import { checkPort, checkTcpf, encodeError, headerError, hostBytes, STREAM_MAX_HOST, STREAM_MAX_TCPF_ENTRIES } from '../stream-rules.js';
import type { PaqetValueError } from '../errors.js';
import { GobTypeId, GobTypeTable, type GobType } from './types.js';
import type { GobRecord, GobValue } from './value.js';

/** Every message of the binary header, plus the fork's TUN stream request. */
export type GobStreamMessage = StreamMessage | { type: 'tun' };

/** The record's `Type` values (the fork adds TUN = 6). */
export const GobMessageType = { ping: 1, pong: 2, tcpf: 3, tcp: 4, udp: 5, tun: 6 } as const;

/** TCP flag fields in field order; field i is flag bit 1 << i (FIN 0x01 ... NS 0x100). */
export const GOB_TCP_FLAG_FIELDS = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR', 'NS'] as const;

/** The ids the fork's process gives its types; a decoder must not rely on them. */
export const FORK_GOB_TYPE_IDS = { proto: 65, addr: 66, tcpFlags: 67, tcpFlagList: 68 } as const;

const ID = FORK_GOB_TYPE_IDS;
const field = (name: string, id: number) => ({ name, id });

/** The fork's definitions in the order it writes them (Proto, Addr, the slice, then its element). */
export const FORK_GOB_TYPES: readonly (readonly [number, GobType])[] = [
  [ID.proto, { kind: 'struct', name: 'Proto', fields: [field('Type', GobTypeId.uint), field('Addr', ID.addr), field('TCPF', ID.tcpFlagList)] }],
  [ID.addr, { kind: 'struct', name: 'Addr', fields: [field('Host', GobTypeId.string), field('Port', GobTypeId.int)] }],
  // The slice's name carries the fork's Go package name; decoders treat names of types as informational.
  [ID.tcpFlagList, { kind: 'slice', name: '[]conf.TCPF', elem: ID.tcpFlags }],
  [ID.tcpFlags, { kind: 'struct', name: 'TCPF', fields: GOB_TCP_FLAG_FIELDS.map((n) => field(n, GobTypeId.bool)) }],
];

export const FORK_GOB_TYPE_TABLE = new GobTypeTable(FORK_GOB_TYPES);

/** The value record for `message` in the fork's types (checks the same limits as the binary writer). */
export function protoRecordOf(message: GobStreamMessage): GobRecord {
  const code = GobMessageType[message.type];
  if (code === undefined) throw encodeError('type', (message as { type: unknown }).type, 'unknown message type');
  const out: GobRecord = new Map([['Type', code]]);
  if (message.type === 'tcp' || message.type === 'udp') {
    hostBytes(message.host);
    checkPort(message.port);
    out.set('Addr', new Map<string, GobValue>([['Host', message.host], ['Port', message.port]]));
  } else if (message.type === 'tcpf') {
    checkTcpf(message.flags);
    // gob's record carries the nine TCP flag bits; bits 9-15 (ignored by every reader) have no field.
    out.set('TCPF', message.flags.map((bits) => new Map(GOB_TCP_FLAG_FIELDS.map((n, i) => [n, (bits & (1 << i)) !== 0] as [string, GobValue]))));
  }
  return out;
}

// ---------- decoding: Go's rules for matching a peer's types to ours ----------

/** The Go types the record decodes into: scalars, structs by field name, slices. */
type Shape = 'uint' | 'int' | 'string' | 'bool' | { struct: Record<string, Shape>; required?: readonly string[] } | { slice: Shape };

const FLAGS_SHAPE: Shape = { struct: Object.fromEntries(GOB_TCP_FLAG_FIELDS.map((n) => [n, 'bool' as Shape])) };
// Addr must name its Host: alpha.9-10 peers sent an {IP, Port, Zone} address, which Go would decode as an
// empty host (the server's own) and a port; refusing it beats dialing ourselves.
const ADDR_SHAPE: Shape = { struct: { Host: 'string', Port: 'int' }, required: ['Host'] };
const PROTO_SHAPE: Shape = { struct: { Type: 'uint', Addr: ADDR_SHAPE, TCPF: { slice: FLAGS_SHAPE } } };

/**
 * Whether the peer's type `id` can decode into `shape`, as Go's gob decides
 * it: scalars must be the same kind (a signed field takes only ints), struct
 * fields are matched by name (unknown names are skipped, but at least one must
 * match), a pointer field takes the struct itself. Returns why not, or null.
 */
export function shapeMismatch(table: GobTypeTable, id: number, shape: Shape = PROTO_SHAPE, path = 'Proto'): string | null {
  const t = table.get(id);
  if (t === undefined) return `${path}: type id ${id} is not defined`;
  if (typeof shape === 'string') return t.kind === shape ? null : `${path}: a ${t.kind} where ${shape} is expected`;
  if ('slice' in shape) return t.kind === 'slice' ? shapeMismatch(table, t.elem, shape.slice, `${path}[]`) : `${path}: a ${t.kind} where a slice is expected`;
  if (t.kind !== 'struct') return `${path}: a ${t.kind} where a struct is expected`;
  let matched = 0;
  for (const f of t.fields) {
    const want = Object.prototype.hasOwnProperty.call(shape.struct, f.name) ? shape.struct[f.name] : undefined;
    if (want === undefined) continue;
    matched++;
    const why = shapeMismatch(table, f.id, want, `${path}.${f.name}`);
    if (why) return why;
  }
  const missing = shape.required?.find((name) => !t.fields.some((f) => f.name === name));
  if (missing) return `${path}: has no ${missing} field`;
  return matched > 0 ? null : `${path}: none of its fields match (${t.fields.map((f) => f.name).join(', ') || 'no fields'})`;
}

const num = (v: GobValue | undefined) => (typeof v === 'number' ? v : 0);
const utf8 = new TextEncoder();

/** The message a decoded Proto record carries, with the binary header's limits on host, port and flags. */
export function messageOfProtoRecord(record: GobRecord): GobStreamMessage | PaqetValueError {
  const type = num(record.get('Type'));
  switch (type) {
    case GobMessageType.ping:
      return { type: 'ping' };
    case GobMessageType.pong:
      return { type: 'pong' };
    case GobMessageType.tun:
      return { type: 'tun' };
    case GobMessageType.tcp:
    case GobMessageType.udp: {
      const addr = record.get('Addr');
      if (!(addr instanceof Map)) return headerError('addr', null, 'a TCP/UDP message needs an address');
      const host = addr.get('Host');
      const hostText = typeof host === 'string' ? host : '';
      const hostLength = utf8.encode(hostText).length;
      if (hostLength > STREAM_MAX_HOST) return headerError('host length', hostLength, `exceeds ${STREAM_MAX_HOST}`);
      const port = num(addr.get('Port'));
      if (!Number.isInteger(port) || port < 0 || port > 65535) return headerError('port', port, 'must be 0..65535');
      return { type: type === GobMessageType.tcp ? 'tcp' : 'udp', host: hostText, port };
    }
    case GobMessageType.tcpf: {
      const list = record.get('TCPF');
      const entries = Array.isArray(list) ? list : [];
      if (entries.length > STREAM_MAX_TCPF_ENTRIES) return headerError('tcpf count', entries.length, `exceeds ${STREAM_MAX_TCPF_ENTRIES}`);
      const flags = entries.map((e) => {
        let bits = 0;
        if (e instanceof Map) GOB_TCP_FLAG_FIELDS.forEach((n, i) => e.get(n) === true && (bits |= 1 << i));
        return bits;
      });
      return { type: 'tcpf', flags };
    }
    default:
      return headerError('type', type, 'unknown message type');
  }
}
