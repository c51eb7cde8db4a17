/**
 * gob values by type descriptor: a bounded decoder into a small value tree and
 * the matching encoder. Structs are field-number deltas ending in 0 with zero
 * fields left out; slices, arrays and maps are a count and the elements.
 */
import { GobCursor, GobWriter } from './primitives.js';
import type { GobType, GobTypeTable } from './types.js';

/** A struct value by field name (absent = the field's zero value). */
export type GobRecord = Map<string, GobValue>;
/** float and complex values are kept as their raw unsigned words; maps as [key, value] pairs. */
export type GobValue = boolean | number | string | Uint8Array | GobValue[] | GobRecord;

/** Deepest nesting of composite values accepted (paqet's header nests 3 deep). */
export const GOB_MAX_DEPTH = 8;

const utf8 = new TextDecoder('utf-8');

/**
 * Decodes one value of type `id` at the cursor. Never throws: problems land in
 * `c.failure`. Every element of any kind takes at least one byte, so a count
 * above the bytes left is refused before anything is allocated for it.
 */
export function decodeGobValue(c: GobCursor, table: GobTypeTable, id: number, depth = 0): GobValue {
  const t = table.get(id);
  if (t === undefined) return c.fail(`type id ${id} is not defined`);
  if (depth > GOB_MAX_DEPTH) return c.fail(`values nest deeper than ${GOB_MAX_DEPTH}`);
  switch (t.kind) {
    case 'bool':
      return c.uint() !== 0;
    case 'int':
      return c.int();
    case 'uint':
    case 'float':
      return c.uint();
    case 'complex':
      return [c.uint(), c.uint()];
    case 'string':
      return utf8.decode(c.bytesView());
    case 'bytes':
    case 'opaque':
      return c.bytesView();
    case 'struct':
      return decodeStruct(c, table, t, depth);
    case 'slice':
    case 'array': {
      const n = count(c, 1);
      if (t.kind === 'array' && n !== t.len && !c.failed) return c.fail(`array ${t.name} has ${n} elements, its type says ${t.len}`);
      const out: GobValue[] = [];
      for (let i = 0; i < n && !c.failed; i++) out.push(decodeGobValue(c, table, t.elem, depth + 1));
      return out;
    }
    case 'map': {
      const n = count(c, 2);
      const out: GobValue[] = [];
      for (let i = 0; i < n && !c.failed; i++) out.push([decodeGobValue(c, table, t.key, depth + 1), decodeGobValue(c, table, t.elem, depth + 1)]);
      return out;
    }
  }
}

function count(c: GobCursor, bytesPerElement: number): number {
  const n = c.uint();
  if (n * bytesPerElement > c.remaining) return c.fail(`element count ${n} exceeds the ${c.remaining} bytes left`);
  return n;
}

/** A struct's fields: deltas from the previous field number, 0 ends it. */
export function decodeStruct(c: GobCursor, table: GobTypeTable, t: Extract<GobType, { kind: 'struct' }>, depth: number): GobRecord {
  const out: GobRecord = new Map();
  let field = -1;
  for (;;) {
    const delta = c.uint();
    if (c.failed || delta === 0) return out;
    field += delta;
    const f = t.fields[field];
    if (f === undefined) {
      c.fail(`field number ${field} is out of range for ${t.name} (${t.fields.length} fields)`);
      return out;
    }
    out.set(f.name, decodeGobValue(c, table, f.id, depth + 1));
  }
}

/** gob leaves out struct fields holding their zero value; a present struct (non-nil pointer) is always sent. */
function isZero(v: GobValue | undefined): boolean {
  if (v === undefined || v === false || v === 0 || v === '') return true;
  if (v instanceof Uint8Array || Array.isArray(v)) return v.length === 0;
  return false;
}

function typeError(t: GobType, v: unknown): TypeError {
  return new TypeError(`gob: cannot encode ${typeof v} as ${t.kind}`);
}

/** Encodes `value` as type `id`; a value that does not fit its type is a programming error (TypeError). */
export function encodeGobValue(w: GobWriter, table: GobTypeTable, id: number, value: GobValue): void {
  const t = table.get(id);
  if (t === undefined) throw new TypeError(`gob: type id ${id} is not defined`);
  switch (t.kind) {
    case 'bool':
      if (typeof value !== 'boolean') throw typeError(t, value);
      return w.uint(value ? 1 : 0);
    case 'int':
    case 'uint':
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || (t.kind === 'uint' && value < 0)) throw typeError(t, value);
      return t.kind === 'int' ? w.int(value) : w.uint(value);
    case 'string':
      if (typeof value !== 'string') throw typeError(t, value);
      return w.string(value);
    case 'bytes':
    case 'opaque':
      if (!(value instanceof Uint8Array)) throw typeError(t, value);
      return w.bytes(value);
    case 'struct': {
      if (!(value instanceof Map)) throw typeError(t, value);
      let last = -1;
      t.fields.forEach((f, i) => {
        const v = value.get(f.name);
        if (isZero(v)) return;
        w.uint(i - last);
        last = i;
        encodeGobValue(w, table, f.id, v!);
      });
      return w.uint(0);
    }
    case 'slice':
      if (!Array.isArray(value)) throw typeError(t, value);
      w.uint(value.length);
      for (const v of value) encodeGobValue(w, table, t.elem, v);
      return;
    default:
      throw typeError(t, value);
  }
}
