export * from './crypto/index.js';
export * from './fec/index.js';
export * from './core/index.js';
export * from './session/index.js';
export * from './smux/index.js';
export * from './udp/index.js';
