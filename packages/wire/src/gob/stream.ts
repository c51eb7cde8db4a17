/**
 * The gob stream header, decoded incrementally and bounded: type-definition
 * messages (in one chunk with the value or before it, in any chunking) then
 * the value message. Never throws; a hostile stream can make it hold at most
 * GOB_MAX_HEADER_LENGTH bytes and decode at most GOB_MAX_DEFINITIONS types.
 */
import { PaqetValueError } from '../errors.js';
import { HeaderAccumulator } from '../header-accumulator.js';
import { headerError } from '../stream-rules.js';
import { FORK_GOB_TYPE_IDS, FORK_GOB_TYPE_TABLE, FORK_GOB_TYPES, messageOfProtoRecord, protoRecordOf, shapeMismatch, type GobStreamMessage } from './paqet-header.js';
import { typeOfWireRecord, wireRecordOf } from './definition.js';
import { GobCursor, GobWriter, gobUintEnd } from './primitives.js';
import { GOB_FIRST_USER_TYPE_ID, GobTypeTable, WIRE_TYPE_ID, WIRE_TYPE_TABLE, type GobType } from './types.js';
import { decodeStruct, encodeGobValue, type GobValue } from './value.js';

/** Longest single gob message accepted (the fork's longest, a 64-flag TCPF, is about 1.2 KiB). */
export const GOB_MAX_MESSAGE_LENGTH = 4096;
/** Longest header accepted: all definitions plus the value (the fork's is 209-470 bytes). */
export const GOB_MAX_HEADER_LENGTH = 16384;
/** Most type definitions accepted before the value (the fork sends 4). */
export const GOB_MAX_DEFINITIONS = 16;

export type GobDecodeResult =
  /** `needed` = total bytes (from the header start) required before the decoder can say more. */
  | { status: 'need-more'; needed: number }
  | { status: 'malformed'; error: PaqetValueError }
  /** `length` = bytes of all messages up to the value; what follows belongs to the relay. */
  | { status: 'complete'; message: GobStreamMessage; length: number };

const malformed = (field: string, value: unknown, reason: string): GobDecodeResult => ({ status: 'malformed', error: headerError(field, value, reason) });

const wireTypeStruct = WIRE_TYPE_TABLE.get(WIRE_TYPE_ID) as Extract<GobType, { kind: 'struct' }>;

/** Bytes from `pos` the length integer occupies, as far as its first byte tells. */
function lengthBytes(bytes: Uint8Array, pos: number, end: number): number {
  if (pos >= end || bytes[pos]! < 0x80) return 1;
  return 1 + 256 - bytes[pos]!;
}

/**
 * Decodes the gob header at `bytes[offset, end)`: any number (up to
 * GOB_MAX_DEFINITIONS) of type definitions, then one value whose type matches
 * paqet's record by Go's rules. Type ids are taken from the definitions, never
 * assumed.
 */
export function decodeGobStreamMessage(bytes: Uint8Array, offset = 0, end = bytes.length): GobDecodeResult {
  const table = new GobTypeTable();
  let pos = offset;
  for (;;) {
    const bodyStart = gobUintEnd(bytes, pos, end);
    if (bodyStart === -2) return malformed('gob length', bytes[pos], 'not a valid integer byte count');
    if (bodyStart === -1) return { status: 'need-more', needed: pos - offset + lengthBytes(bytes, pos, end) };
    const length = new GobCursor(bytes, pos, bodyStart).uint();
    if (length === 0) return malformed('gob length', 0, 'an empty message');
    if (length > GOB_MAX_MESSAGE_LENGTH) return malformed('gob length', length, `exceeds ${GOB_MAX_MESSAGE_LENGTH}`);
    const messageEnd = bodyStart + length;
    if (messageEnd - offset > GOB_MAX_HEADER_LENGTH) return malformed('gob header length', messageEnd - offset, `exceeds ${GOB_MAX_HEADER_LENGTH}`);
    // Judge the type id as soon as its bytes are here, so garbage is refused
    // without waiting for the whole message it seems to announce.
    const idEnd = gobUintEnd(bytes, bodyStart, Math.min(end, messageEnd));
    if (idEnd === -2) return malformed('gob type id', bytes[bodyStart], 'not a valid integer byte count');
    if (idEnd === -1 && messageEnd <= end) return malformed('gob type id', null, 'truncated by the message end');
    if (idEnd === -1) return { status: 'need-more', needed: messageEnd - offset };
    const c = new GobCursor(bytes, bodyStart, messageEnd);
    const id = c.int();
    const early = id < 0 ? definitionProblem(table, -id) : id === 0 ? 'zero is not a type id' : shapeMismatch(table, id);
    if (early) return malformed(id < 0 ? 'gob type definition' : id === 0 ? 'gob type id' : 'gob value type', Math.abs(id), early);
    if (messageEnd > end) return { status: 'need-more', needed: messageEnd - offset };
    if (id < 0) {
      const why = defineType(table, -id, c);
      if (why) return malformed('gob type definition', -id, why);
      pos = messageEnd;
      continue;
    }
    const record = decodeStruct(c, table, table.get(id) as Extract<GobType, { kind: 'struct' }>, 0);
    if (c.failed) return malformed('gob value', id, c.failure!);
    if (c.pos !== messageEnd) return malformed('gob value', id, `${messageEnd - c.pos} bytes left over in the message`);
    const message = messageOfProtoRecord(record);
    if (message instanceof PaqetValueError) return { status: 'malformed', error: message };
    return { status: 'complete', message, length: messageEnd - offset };
  }
}

/** Why `id` cannot be defined now, or null. */
function definitionProblem(table: GobTypeTable, id: number): string | null {
  if (table.size >= GOB_MAX_DEFINITIONS) return `more than ${GOB_MAX_DEFINITIONS} type definitions`;
  if (id < GOB_FIRST_USER_TYPE_ID) return `ids below ${GOB_FIRST_USER_TYPE_ID} are gob's own`;
  if (table.has(id)) return 'defined twice';
  return null;
}

function defineType(table: GobTypeTable, id: number, c: GobCursor): string | null {
  const wire = decodeStruct(c, WIRE_TYPE_TABLE, wireTypeStruct, 0);
  if (c.failed) return c.failure;
  if (c.pos !== c.end) return `${c.end - c.pos} bytes left over in the message`;
  const type = typeOfWireRecord(wire);
  if (typeof type === 'string') return type;
  table.define(id, type);
  return null;
}

/** One gob message: length, type id (negative for a definition), payload. */
function gobMessage(id: number, write: (w: GobWriter) => void): Uint8Array {
  const body = new GobWriter();
  body.int(id);
  write(body);
  const out = new GobWriter();
  out.uint(body.length);
  out.append(body.finish());
  return out.finish();
}

/** The definition message of `type` as `id`. */
export function encodeGobTypeDefinition(id: number, type: GobType): Uint8Array {
  return gobMessage(-id, (w) => encodeGobValue(w, WIRE_TYPE_TABLE, WIRE_TYPE_ID, wireRecordOf(id, type)));
}

/** A value message of type `id` (a struct type: its fields follow the id directly). */
export function encodeGobValueMessage(table: GobTypeTable, id: number, value: GobValue): Uint8Array {
  return gobMessage(id, (w) => encodeGobValue(w, table, id, value));
}

let forkPrefix: Uint8Array | null = null;

/** The four definition messages the fork writes before every value (203 bytes). */
export function forkGobDefinitions(): Uint8Array {
  if (!forkPrefix) {
    const w = new GobWriter();
    for (const [id, type] of FORK_GOB_TYPES) w.append(encodeGobTypeDefinition(id, type));
    forkPrefix = w.finish();
  }
  return forkPrefix.slice();
}

/**
 * `message` exactly as the fork writes it: its definitions, then the value.
 * Send it as one write with no relay bytes in it (the Go reader buffers ahead
 * and would swallow them).
 */
export function encodeGobStreamMessage(message: GobStreamMessage): Uint8Array {
  const value = encodeGobValueMessage(FORK_GOB_TYPE_TABLE, FORK_GOB_TYPE_IDS.proto, protoRecordOf(message));
  const defs = forkGobDefinitions();
  const out = new Uint8Array(defs.length + value.length);
  out.set(defs);
  out.set(value, defs.length);
  return out;
}

/** Incremental reader for a gob header: push chunks; on 'complete', `rest` holds the relay bytes that came with it. */
export class GobStreamMessageReader extends HeaderAccumulator<GobDecodeResult> {
  constructor() {
    super(decodeGobStreamMessage);
  }
}
