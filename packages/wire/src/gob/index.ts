export { GobCursor, GobWriter, gobUintEnd, GOB_MAX_UINT_BYTES } from './primitives.js';
export { GobTypeId, GobTypeTable, GOB_FIRST_USER_TYPE_ID, type GobField, type GobScalarKind, type GobType } from './types.js';
export { decodeGobValue, encodeGobValue, GOB_MAX_DEPTH, type GobRecord, type GobValue } from './value.js';
export { GOB_MAX_STRUCT_FIELDS } from './definition.js';
export {
  FORK_GOB_TYPE_IDS, FORK_GOB_TYPES, GOB_TCP_FLAG_FIELDS, GobMessageType, type GobStreamMessage,
} from './paqet-header.js';
export {
  decodeGobStreamMessage, encodeGobStreamMessage, encodeGobTypeDefinition, encodeGobValueMessage, forkGobDefinitions,
  GobStreamMessageReader, GOB_MAX_DEFINITIONS, GOB_MAX_HEADER_LENGTH, GOB_MAX_MESSAGE_LENGTH, type GobDecodeResult,
} from './stream.js';
