/**
 * "host:port" text as paqet's address type handles it (docs/protocol/stream-header.md): split
 * at the last colon, brackets required around hosts containing ":", the port
 * a decimal integer (range is checked when asked, else by the message writer).
 * The one host:port parser of the project: proxy and the app's config use it.
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

/**
 * Go's net.SplitHostPort: host and port text, no check of the port. The error reasons are
 * Go's texts ("missing port in address", "too many colons in address", ...).
 */
export function splitHostPort(text: string): { host: string; port: string } {
  const i = text.lastIndexOf(':');
  if (i < 0) throw hostPortError(text, 'missing port in address');
  let host: string;
  let j = 0;
  let k = 0;
  if (text[0] === '[') {
    const end = text.indexOf(']');
    if (end < 0) throw hostPortError(text, "missing ']' in address");
    if (end + 1 === text.length) throw hostPortError(text, 'missing port in address');
    if (end + 1 !== i) throw hostPortError(text, text[end + 1] === ':' ? 'too many colons in address' : 'missing port in address');
    host = text.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = text.slice(0, i);
    if (host.includes(':')) throw hostPortError(text, 'too many colons in address');
  }
  if (text.slice(j).includes('[')) throw hostPortError(text, "unexpected '[' in address");
  if (text.slice(k).includes(']')) throw hostPortError(text, "unexpected ']' in address");
  return { host, port: text.slice(i + 1) };
}

/** splitHostPort with a decimal port. `maxPort` (e.g. 65535) also checks its range. */
export function parseHostPort(text: string, maxPort = Infinity): HostPort {
  const { host, port: portText } = splitHostPort(text);
  if (!/^[+-]?[0-9]+$/.test(portText)) throw hostPortError(text, 'port is not a decimal integer');
  const port = Number(portText);
  if (port < 0 || port > maxPort) throw hostPortError(text, `port must be 0-${maxPort}`);
  return { host, port };
}

/** "host:port", bracketing hosts that contain ":". */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
