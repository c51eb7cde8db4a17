export * from './clock.js';
export * from './fec-hook.js';
export * from './kcp-session.js';
export * from './kcp-listener.js';
export * from './dial.js';
export * from './cipher-options.js';
