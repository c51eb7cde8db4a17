/**
 * Client side: a KcpSession with a fresh random conv over a PacketConn.
 */
import { KcpSession, type DialConnOptions } from './kcp-session.js';

export function dialKcpSession(options: DialConnOptions): KcpSession {
  return KcpSession.dialConn(options);
}
