/**
 * Backend choice: `afpacket` (Linux, batched) or `pcap` (libpcap via cap, portable).
 * `auto` is afpacket on Linux where its addon is built, pcap elsewhere.
 */
import { afPacketAvailable } from './afpacket-binding.js';
import { AfPacketPacketConn } from './afpacket-packet-conn.js';
import type { RawSocketOptions } from './options.js';
import { PcapPacketConn } from './pcap-packet-conn.js';
import type { RawPacketConnBase } from './raw-conn-base.js';

export const RAW_BACKENDS = ['auto', 'afpacket', 'pcap'] as const;
export type RawBackendChoice = (typeof RAW_BACKENDS)[number];
export type RawBackend = Exclude<RawBackendChoice, 'auto'>;

/** The backend `choice` means on this host. */
export function resolveBackend(choice: RawBackendChoice = 'auto'): RawBackend {
  if (choice !== 'auto') return choice;
  return process.platform === 'linux' && afPacketAvailable() ? 'afpacket' : 'pcap';
}

/** Opens a raw-packet PacketConn with the chosen backend (throws a RawsockError if it cannot run). */
export function openRawPacketConn(options: RawSocketOptions, choice: RawBackendChoice = 'auto'): RawPacketConnBase {
  return resolveBackend(choice) === 'afpacket' ? new AfPacketPacketConn(options) : new PcapPacketConn(options);
}
