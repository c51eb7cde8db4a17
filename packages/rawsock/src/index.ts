export * from './errors.js';
export * from './discovery.js';
export { checkCapturePrivileges, type PrivilegeReport } from './privileges.js';
export { kernelTcpListenerOn } from './port-registry.js';
export { receiveFilter } from './pcap-handles.js';
export { PcapPacketConn, RawSocket } from './pcap-packet-conn.js';
export type { RawSocketOptions, RawSocketFamilyOptions } from './options.js';
export { DEFAULT_SOCKBUF, interfaceMac, interfaceMtu } from './options.js';
export type { RawSocketCounters, DropCounters } from './counters.js';
