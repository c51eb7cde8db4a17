/**
 * Typed errors of @paqet/rawsock. Each message says what to do about it; callers
 * switch on `code`, never on the text.
 */
import { PaqetError } from '@paqet/wire';

export const RawsockErrorCode = {
  /** The configured interface does not exist (the message lists those that do). */
  NoSuchInterface: 'PAQET_ERR_NO_SUCH_INTERFACE',
  /** Capture/injection needs root or CAP_NET_RAW. */
  Permission: 'PAQET_ERR_PERMISSION',
  /** libpcap (or the `cap` binding built against it) cannot be loaded. */
  LibpcapMissing: 'PAQET_ERR_LIBPCAP_MISSING',
  /** The local port is already taken (another paqet socket or a kernel TCP listener). */
  PortInUse: 'PAQET_ERR_PORT_IN_USE',
  /** The interface does not use Ethernet framing (loopback, TUN, PPP...). */
  LinkType: 'PAQET_ERR_LINK_TYPE',
  /** The chosen raw-socket backend cannot run here (afpacket: not Linux, or its addon is not built). */
  BackendUnavailable: 'PAQET_ERR_BACKEND_UNAVAILABLE',
  /** Any other libpcap failure; the message names the step. */
  Pcap: 'PAQET_ERR_PCAP',
  /** The socket options are inconsistent (no address family, ports differ...). */
  Options: 'PAQET_ERR_RAWSOCK_OPTIONS',
  /** Discovery: no default route for the family. */
  NoRoute: 'PAQET_ERR_NO_ROUTE',
  /** Discovery: the gateway's MAC address could not be resolved. */
  Neighbour: 'PAQET_ERR_NEIGHBOUR',
  /** Discovery: a system tool (`ip`) failed or is missing. */
  Discovery: 'PAQET_ERR_DISCOVERY',
} as const;

export type RawsockErrorCode = (typeof RawsockErrorCode)[keyof typeof RawsockErrorCode];

export class RawsockError extends PaqetError {
  constructor(code: RawsockErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, 'fatal', options);
    this.name = 'RawsockError';
  }
}

export function noSuchInterfaceError(name: string, existing: readonly string[]): RawsockError {
  const list = existing.length > 0 ? existing.join(', ') : '(none found)';
  return new RawsockError(
    RawsockErrorCode.NoSuchInterface,
    `network interface "${name}" does not exist; interfaces on this host: ${list}`,
  );
}

export function permissionError(step: string, detail?: string): RawsockError {
  return new RawsockError(
    RawsockErrorCode.Permission,
    `no permission to ${step}${detail ? ` (${detail})` : ''}: run as root, or grant the node binary ` +
      `CAP_NET_RAW and CAP_NET_ADMIN (sudo setcap cap_net_raw,cap_net_admin=eip "$(readlink -f "$(which node)")")`,
  );
}

export function libpcapMissingError(cause: unknown): RawsockError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new RawsockError(
    RawsockErrorCode.LibpcapMissing,
    `libpcap could not be loaded (${why}). Install it: Debian/Ubuntu "apt-get install libpcap0.8" ` +
      `(and libpcap-dev to rebuild the cap module), Fedora/RHEL "dnf install libpcap", Alpine "apk add libpcap", ` +
      `macOS ships it; Windows needs Npcap (https://npcap.com) in WinPcap-compatible mode`,
    { cause },
  );
}

export function portInUseError(port: number, holder: string): RawsockError {
  return new RawsockError(
    RawsockErrorCode.PortInUse,
    `TCP port ${port} is already in use by ${holder}; choose another port (or 0 for a random one)`,
  );
}
