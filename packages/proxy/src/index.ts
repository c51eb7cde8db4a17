export { formatHostPort, formatTarget, parseHostPort, unmapIPv4, type TargetAddress } from './address.js';
export type { DatagramChannel, Dialer } from './dialer.js';
export { DEFAULT_DIAL_TIMEOUT_MS, DirectDialer, UdpSocketChannel, type DirectDialerOptions } from './direct-dialer.js';
export { DialError, TargetDeniedError, reasonFromErrno, toDialError, type DialFailureReason } from './errors.js';
export { escapeLogText, escapingLogger } from './log-text.js';
export { TargetRule, TargetRuleError } from './policy/target-rule.js';
export { TargetPolicy, type TargetPolicyRules, type TargetVerdict } from './policy/target-policy.js';
export { PolicyDialer, type PolicyDialerOptions, type ResolvedAddress, type TargetResolver } from './policy/policy-dialer.js';
export { DEFAULT_LIMITS, resolveLimits, type ProxyLimits } from './limits.js';
export { silentLogger, type Logger } from './logger.js';
export { ProxyStats, type ErrorKind, type ProxyStatsSnapshot } from './stats.js';
export { Socks5Server, MAX_TARGET_HOST_LENGTH, replyCodeForDialFailure, type Socks5ServerOptions } from './socks5/server.js';
export {
  AddressType,
  Command,
  Method,
  ReplyCode,
  encodeReply,
  encodeUdpHeader,
  parseAddress,
  parseGreeting,
  parseRequest,
  parseUdpHeader,
  parseUserPass,
  type ParseResult,
  type SocksAddress,
  type SocksRequest,
  type SocksUdpHeader,
} from './socks5/protocol.js';
export { SOCKS_UDP_RECEIVE_LIMIT } from './socks5/udp-associate.js';
export { TcpForward, type ForwardOptions } from './forward/tcp-forward.js';
export { UdpForward } from './forward/udp-forward.js';
export { pipeBidirectional, type PipeOptions, type PipeResult } from './relay/pipe.js';
export { relayTcp } from './relay/relay-tcp.js';
export { relayUdp } from './relay/relay-udp.js';
export type { RelayOptions, RelayOutcome } from './relay/options.js';
export { MAX_UDP_PAYLOAD, decodeUdpFrame, encodeUdpFrame, isRelayableDatagramLength, type UdpFrameReader } from './udp/framing.js';
export { DatagramChannelBase } from './udp/channel-base.js';
export { DEFAULT_MAX_QUEUED_BYTES, StreamDatagramChannel, type StreamDatagramChannelOptions } from './udp/stream-channel.js';
export { bridgeDatagramChannels, type BridgeCounters } from './udp/bridge.js';
