import type { Duplex } from 'node:stream';

/**
 * A message-oriented channel to one UDP destination: the direct dialer backs it with a
 * connected UDP socket, the paqet client with one smux stream carrying a UDP header
 * (see StreamDatagramChannel for the UDP-over-stream framing).
 */
export interface DatagramChannel {
  /**
   * Sends one datagram (1…4096 bytes). Ownership of `datagram` passes to the channel
   * (it may be queued without copying): do not modify it afterwards. Returns false when
   * the datagram was dropped (channel closed, or its bounded send queue full).
   */
  send(datagram: Uint8Array): boolean;
  /** Sets (or clears) the one receiver of inbound datagrams. Handlers may keep the buffer. */
  onMessage(handler: ((datagram: Uint8Array) => void) | null): void;
  /** Sets the handler called once when the channel ends (with the error if it failed). */
  onClose(handler: ((error?: Error) => void) | null): void;
  /** Ends the channel; idempotent. The close handler runs (once). */
  close(): void;
  readonly closed: boolean;
}

/**
 * Opens the outbound side of a proxied connection. Rejections should be DialErrors so
 * the SOCKS5 server can send the matching reply code; anything else counts as general.
 */
export interface Dialer {
  /** A byte stream to host:port (host: DNS name, IPv4 or IPv6 literal without brackets). */
  dialTcp(host: string, port: number, signal?: AbortSignal): Promise<Duplex>;
  /** A datagram channel to host:port. */
  dialUdp(host: string, port: number, signal?: AbortSignal): Promise<DatagramChannel>;
}
