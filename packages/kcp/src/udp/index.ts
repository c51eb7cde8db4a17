export { UdpPacketConn, type UdpBindOptions, type UdpCounters } from './udp-packet-conn.js';
