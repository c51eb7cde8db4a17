export * from './constants.js';
export * from './segment.js';
export * from './kcp.js';
export * from './presets.js';
