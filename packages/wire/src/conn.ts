/**
 * The datagram socket every transport in paqet implements: the pcap raw socket
 * (@paqet/rawsock), a node:dgram UDP socket and the in-memory test link
 * (@paqet/kcp, @paqet/testkit). KCP sessions run over any of them.
 */

/** An IP address (dotted IPv4 or RFC 5952 IPv6 text) and a port. */
export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

/**
 * Receives one datagram. `datagram` is a view the connection may reuse after the
 * handler returns: copy what you keep. `from` may also be reused; copy it too.
 */
export type DatagramHandler = (datagram: Uint8Array, from: Endpoint) => void;

export interface PacketConn {
  /**
   * Send one datagram to `to`. The connection does not keep `datagram` after
   * this returns (it copies if it needs to), so callers can reuse the buffer.
   * Never throws for a transient send failure; it is counted instead.
   */
  send(datagram: Uint8Array, to: Endpoint): void;
  /** Set (or clear with null) the one receiver of inbound datagrams. */
  onDatagram(handler: DatagramHandler | null): void;
  /** Release the socket. Idempotent. */
  close(): void;
  readonly closed: boolean;
  /** Where this connection sends from, when it knows (a bound UDP socket, the pcap socket's address and port). */
  readonly localEndpoint?: Endpoint;
  /** Largest datagram this connection carries without truncation. */
  readonly maxDatagramSize?: number;
}

/** Text key for an endpoint, as kcp-go keys sessions: "ip:port" ("[v6]:port"). */
export function endpointKey(ep: Endpoint): string {
  return ep.address.includes(':') ? `[${ep.address}]:${ep.port}` : `${ep.address}:${ep.port}`;
}
