export * from './errors.js';
export * from './discovery.js';
export { checkCapturePrivileges, type PrivilegeReport } from './privileges.js';
export { kernelTcpListenerOn } from './port-registry.js';
export { receiveFilter } from './pcap-handles.js';
