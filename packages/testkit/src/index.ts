export * from './vectors.js';
export * from './memory-link.js';
export * from './bottleneck-link.js';
export * from './packet-conn-compliance.js';
export * from './lab.js';
export * from './packed-workspace.js';
