/**
 * Type-definition messages: a negative type id followed by gob's description
 * of the type (a wireType record). Converts between that record and GobType.
 */
import type { GobRecord, GobValue } from './value.js';
import type { GobType } from './types.js';

/** Longest struct accepted in a definition (paqet's widest, the TCP flag record, has 9). */
export const GOB_MAX_STRUCT_FIELDS = 32;

const record = (entries: [string, GobValue][]): GobRecord => new Map(entries);
const common = (name: string, id: number) => record([['Name', name], ['Id', id]]);

/** The wireType record that defines `type` as `id`. */
export function wireRecordOf(id: number, type: GobType): GobRecord {
  switch (type.kind) {
    case 'struct':
      return record([['StructT', record([
        ['CommonType', common(type.name, id)],
        ['Field', type.fields.map((f) => record([['Name', f.name], ['Id', f.id]]))],
      ])]]);
    case 'slice':
      return record([['SliceT', record([['CommonType', common(type.name, id)], ['Elem', type.elem]])]]);
    case 'array':
      return record([['ArrayT', record([['CommonType', common(type.name, id)], ['Elem', type.elem], ['Len', type.len]])]]);
    case 'map':
      return record([['MapT', record([['CommonType', common(type.name, id)], ['Key', type.key], ['Elem', type.elem]])]]);
    case 'opaque':
      return record([['GobEncoderT', record([['CommonType', common(type.name, id)]])]]);
    default:
      throw new TypeError(`gob: the predefined type ${type.kind} is never defined by a message`);
  }
}

const asRecord = (v: GobValue | undefined): GobRecord => (v instanceof Map ? v : new Map());
const asNumber = (v: GobValue | undefined): number => (typeof v === 'number' ? v : 0);
const asString = (v: GobValue | undefined): string => (typeof v === 'string' ? v : '');

const VARIANTS = ['ArrayT', 'SliceT', 'StructT', 'MapT', 'GobEncoderT', 'BinaryMarshalerT', 'TextMarshalerT'] as const;

/** The type a decoded wireType record defines, or why it cannot be used. */
export function typeOfWireRecord(wire: GobRecord): GobType | string {
  const present = VARIANTS.filter((k) => wire.has(k));
  if (present.length !== 1) return `a type definition must describe exactly one kind of type (has ${present.length})`;
  const variant = present[0]!;
  const body = asRecord(wire.get(variant));
  const name = asString(asRecord(body.get('CommonType')).get('Name'));
  switch (variant) {
    case 'StructT': {
      const list = body.get('Field');
      const fields = Array.isArray(list) ? list : [];
      if (fields.length > GOB_MAX_STRUCT_FIELDS) return `struct ${name} has ${fields.length} fields (at most ${GOB_MAX_STRUCT_FIELDS})`;
      return { kind: 'struct', name, fields: fields.map((f) => ({ name: asString(asRecord(f).get('Name')), id: asNumber(asRecord(f).get('Id')) })) };
    }
    case 'SliceT':
      return { kind: 'slice', name, elem: asNumber(body.get('Elem')) };
    case 'ArrayT':
      return { kind: 'array', name, elem: asNumber(body.get('Elem')), len: asNumber(body.get('Len')) };
    case 'MapT':
      return { kind: 'map', name, key: asNumber(body.get('Key')), elem: asNumber(body.get('Elem')) };
    default:
      return { kind: 'opaque', name };
  }
}
