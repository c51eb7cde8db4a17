// @paqet/proxy/udp: UDP datagrams framed over a byte stream, and the datagram channel pieces.
export { MAX_UDP_PAYLOAD, decodeUdpFrame, encodeUdpFrame, isRelayableDatagramLength, type UdpFrameReader } from './framing.js';
export { DatagramChannelBase } from './channel-base.js';
export { DEFAULT_MAX_QUEUED_BYTES, StreamDatagramChannel, type StreamDatagramChannelOptions } from './stream-channel.js';
export { bridgeDatagramChannels, type BridgeCounters } from './bridge.js';
