/**
 * @paqet/wire: what every paqet package shares. The PacketConn and Transport seams, typed errors, address
 * values and the host:port parser, the paqet envelope (outbound frames) and inbound decoder,
 * TCP flag letters, and the stream header. Protocol layers are on @paqet/wire/layers,
 * pcap files on @paqet/wire/pcap.
 */
export * from './conn.js';
export * from './errors.js';
export * from './error-codes.js';
export * from './address.js';
export * from './host-port.js';
export * from './flags.js';
export * from './generators.js';
export * from './envelope.js';
export * from './inbound.js';
export * from './header-accumulator.js';
export * from './stream-header.js';
export * from './transport.js';
export * from './gob/index.js';
export * from './stream-kind.js';
export { completeTcpChecksum, TcpFlag } from './layers/tcp.js';
