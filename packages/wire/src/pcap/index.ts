export * from './pcap-file.js';
