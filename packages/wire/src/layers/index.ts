// @paqet/wire/layers: one parser (a zero-copy view) and one assembler per protocol, checksums.
export * from './ethernet.js';
export * from './ipv4.js';
export * from './ipv6.js';
export * from './tcp.js';
export * from './tcp-options.js';
export * from '../checksum.js';
export { readU16, readU32, writeU16, writeU32 } from './bounds.js';
