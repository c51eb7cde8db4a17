/**
 * "host:port" text as paqet's address type handles it (protocol.md 1.1): split
 * at the last colon, brackets required around hosts containing ":", the port
 * a decimal integer (range is enforced by the message writer, not here).
 */
import { WireErrorCode } from './error-codes.js';
import { PaqetValueError } from './errors.js';

export interface HostPort {
  /** Host without brackets: DNS name, IPv4 literal or IPv6 literal. */
  host: string;
  port: number;
}

function hostPortError(text: string, reason: string): PaqetValueError {
  return new PaqetValueError(WireErrorCode.Address, 'host:port', text, reason);
}

export function parseHostPort(text: string): HostPort {
  const colon = text.lastIndexOf(':');
  if (colon < 0) throw hostPortError(text, 'missing port');
  let host = text.slice(0, colon);
  const portText = text.slice(colon + 1);
  if (host.startsWith('[')) {
    if (!host.endsWith(']')) throw hostPortError(text, 'missing "]" before the port');
    host = host.slice(1, -1);
    if (host.includes('[') || host.includes(']')) throw hostPortError(text, 'unexpected bracket');
  } else if (host.includes(':')) {
    throw hostPortError(text, 'too many colons (bracket IPv6 hosts: [v6]:port)');
  } else if (host.includes('[') || host.includes(']')) {
    throw hostPortError(text, 'unexpected bracket');
  }
  if (!/^[+-]?[0-9]+$/.test(portText)) throw hostPortError(text, 'port is not a decimal integer');
  return { host, port: Number(portText) };
}

/** "host:port", bracketing hosts that contain ":". */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
