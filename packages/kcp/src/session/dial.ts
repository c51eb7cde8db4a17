/**
 * Client side: a KcpSession with a fresh random conv over a PacketConn,
 * taking only datagrams from the server's endpoint (kcp.md §10.4 step 1).
 */
import type { Endpoint, PacketConn } from '@paqet/wire';
import type { DatagramCipher } from '../crypto/types.js';
import { KcpSession, randomConv, type KcpSessionSettings } from './kcp-session.js';

export interface DialConnOptions extends KcpSessionSettings {
  conn: PacketConn;
  remote: Endpoint;
  cipher: DatagramCipher;
  /** Close conn with the session (default false). */
  ownsConn?: boolean;
  /** Override the random conv (tests). */
  conv?: number;
}

export function dialKcpSession(options: DialConnOptions): KcpSession {
  const session = new KcpSession({ ...options, conv: options.conv ?? randomConv() });
  const { address, port } = session.remote;
  options.conn.onDatagram((datagram, from) => {
    if (from.port !== port || from.address !== address) return;
    session.inputDatagram(datagram);
  });
  session.once('close', () => {
    if (!options.conn.closed) options.conn.onDatagram(null);
  });
  return session;
}
