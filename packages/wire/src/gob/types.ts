/**
 * gob type descriptors: the predefined scalar types, the composite types a
 * peer defines in type-definition messages, and gob's own description of a
 * type (its "wireType" record) with which those definitions are written.
 */

/** A field of a struct type: its name and the id of its type. */
export interface GobField {
  readonly name: string;
  readonly id: number;
}

export type GobScalarKind = 'bool' | 'int' | 'uint' | 'float' | 'bytes' | 'string' | 'complex';

export type GobType =
  | { readonly kind: GobScalarKind }
  | { readonly kind: 'struct'; readonly name: string; readonly fields: readonly GobField[] }
  | { readonly kind: 'slice'; readonly name: string; readonly elem: number }
  | { readonly kind: 'array'; readonly name: string; readonly elem: number; readonly len: number }
  | { readonly kind: 'map'; readonly name: string; readonly key: number; readonly elem: number }
  /** A type with its own marshaller (GobEncoder, BinaryMarshaler, TextMarshaler): a byte run on the wire. */
  | { readonly kind: 'opaque'; readonly name: string };

/** Ids gob predefines for scalars (interface, id 8, is not supported). */
export const GobTypeId = { bool: 1, int: 2, uint: 3, float: 4, bytes: 5, string: 6, complex: 7 } as const;

/** Ids below this are gob's own; a peer defines its types from here on. */
export const GOB_FIRST_USER_TYPE_ID = 65;

const SCALARS = new Map<number, GobType>(
  (Object.entries(GobTypeId) as [GobScalarKind, number][]).map(([kind, id]) => [id, { kind }]),
);

/** Type ids a stream has defined, with the predefined scalars behind them. */
export class GobTypeTable {
  private readonly defined = new Map<number, GobType>();

  constructor(entries: Iterable<readonly [number, GobType]> = []) {
    for (const [id, type] of entries) this.defined.set(id, type);
  }

  get size(): number {
    return this.defined.size;
  }

  get(id: number): GobType | undefined {
    return SCALARS.get(id) ?? this.defined.get(id);
  }

  has(id: number): boolean {
    return this.get(id) !== undefined;
  }

  define(id: number, type: GobType): void {
    this.defined.set(id, type);
  }
}

// gob describes a type with these records; a definition message carries one
// wireType value. Their ids never appear on the wire (the message's negative
// id says "a wireType follows"), so this table numbers them privately.
const W = { wireType: 16, arrayType: 17, commonType: 18, sliceType: 19, structType: 20, fieldType: 21, fieldList: 22, mapType: 23, encoderType: 24 };
const { int, string } = GobTypeId;
const struct = (name: string, fields: [string, number][]): GobType => ({ kind: 'struct', name, fields: fields.map(([n, id]) => ({ name: n, id })) });

/** gob's own type-description records, to decode and encode definition messages. */
export const WIRE_TYPE_TABLE = new GobTypeTable([
  [W.wireType, struct('wireType', [
    ['ArrayT', W.arrayType], ['SliceT', W.sliceType], ['StructT', W.structType], ['MapT', W.mapType],
    ['GobEncoderT', W.encoderType], ['BinaryMarshalerT', W.encoderType], ['TextMarshalerT', W.encoderType],
  ])],
  [W.arrayType, struct('arrayType', [['CommonType', W.commonType], ['Elem', int], ['Len', int]])],
  [W.commonType, struct('CommonType', [['Name', string], ['Id', int]])],
  [W.sliceType, struct('sliceType', [['CommonType', W.commonType], ['Elem', int]])],
  [W.structType, struct('structType', [['CommonType', W.commonType], ['Field', W.fieldList]])],
  [W.fieldType, struct('fieldType', [['Name', string], ['Id', int]])],
  [W.fieldList, { kind: 'slice', name: '[]fieldType', elem: W.fieldType }],
  [W.mapType, struct('mapType', [['CommonType', W.commonType], ['Key', int], ['Elem', int]])],
  [W.encoderType, struct('gobEncoderType', [['CommonType', W.commonType]])],
]);
export const WIRE_TYPE_ID = W.wireType;
