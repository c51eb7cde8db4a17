export * from './udp-packet-conn.js';
