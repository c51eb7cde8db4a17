// @paqet/proxy/socks5: RFC 1928/1929 message codecs and the server's limits.
export { MAX_TARGET_HOST_LENGTH, replyCodeForDialFailure } from './server.js';
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
} from './protocol.js';
export { SOCKS_UDP_RECEIVE_LIMIT } from './udp-associate.js';
