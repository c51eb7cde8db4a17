export * from './conn.js';
export * from './errors.js';
export * from './pcap-file.js';
