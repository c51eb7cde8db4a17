export * from './vectors.js';
export * from './memory-link.js';
export * from './packet-conn-compliance.js';
export * from './lab.js';
export * from './impairment.js';
export * from './proc-stats.js';
export * from './paqet-daemon.js';
export * from './ns-bridge.js';
