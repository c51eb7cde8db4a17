/**
 * `host:port` handling with the reference program's semantics (Go's
 * net.SplitHostPort / net.ResolveUDPAddr), including its error texts, so a
 * config accepted there is accepted here and rejections read the same.
 */
import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import { shown } from './issues.js';

export interface ResolvedEndpoint {
  /** As written in the file. */
  readonly text: string;
  /** Host part as written ('' for `:9999`). */
  readonly host: string;
  /** Resolved IP literal, or null when the host part is empty (= any / unspecified). */
  readonly ip: string | null;
  readonly family: 4 | 6 | null;
  /** 0 is possible where the port is not range-checked (network.ipv4/ipv6.addr). */
  readonly port: number;
}

/** Looks a host name up; IPv4 answers are preferred by the caller. */
export type HostResolver = (host: string) => Promise<readonly { address: string; family: number }[]>;

export const systemResolver: HostResolver = async (host) => dns.lookup(host, { all: true, verbatim: true });

export class AddressError extends Error {}

function addrError(addr: string, reason: string): AddressError {
  return new AddressError(addr ? `address ${shown(addr)}: ${reason}` : reason);
}

/** Go's net.SplitHostPort. */
export function splitHostPort(hostport: string): { host: string; port: string } {
  const i = hostport.lastIndexOf(':');
  if (i < 0) throw addrError(hostport, 'missing port in address');
  let host: string;
  let j = 0;
  let k = 0;
  if (hostport[0] === '[') {
    const end = hostport.indexOf(']');
    if (end < 0) throw addrError(hostport, "missing ']' in address");
    if (end + 1 === hostport.length) throw addrError(hostport, 'missing port in address');
    if (end + 1 !== i) {
      throw addrError(hostport, hostport[end + 1] === ':' ? 'too many colons in address' : 'missing port in address');
    }
    host = hostport.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = hostport.slice(0, i);
    if (host.includes(':')) throw addrError(hostport, 'too many colons in address');
  }
  if (hostport.slice(j).includes('[')) throw addrError(hostport, "unexpected '[' in address");
  if (hostport.slice(k).includes(']')) throw addrError(hostport, "unexpected ']' in address");
  return { host, port: hostport.slice(i + 1) };
}

/** Go's port parsing for the resolver: decimal (sign allowed), clamped on overflow, then 0..65535. */
function parseResolverPort(port: string): number {
  if (port === '') return 0;
  const m = /^([+-]?)(\d+)$/.exec(port);
  // Go would consult the services database for a name; we know no service names.
  if (!m) throw new AddressError(`lookup udp/${shown(port)}: unknown port`);
  const n = m[2]!.length > 10 ? Number.MAX_SAFE_INTEGER : Number(m[2]);
  const value = m[1] === '-' ? -n : n;
  if (value < 0 || value > 65535) throw addrError(port, 'invalid port');
  return value;
}

/** Go's net.ResolveUDPAddr("udp", text): IP literals as-is, names via DNS (IPv4 preferred). */
export async function resolveUdpAddr(text: string, resolve: HostResolver): Promise<ResolvedEndpoint> {
  const { host, port: portText } = splitHostPort(text);
  const port = parseResolverPort(portText);
  if (host === '') return { text, host, ip: null, family: null, port };
  const literal = host.includes('%') ? host.slice(0, host.indexOf('%')) : host;
  const kind = isIP(literal);
  if (kind === 4 || kind === 6) return { text, host, ip: literal, family: kind, port };
  let answers: readonly { address: string; family: number }[];
  try {
    answers = await resolve(host);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const reason = code === 'ENOTFOUND' || code === 'EAI_NONAME' || code === undefined ? 'no such host' : code;
    throw new AddressError(`lookup ${shown(host)}: ${reason}`);
  }
  const chosen = answers.find((a) => a.family === 4) ?? answers[0];
  if (!chosen) throw new AddressError(`lookup ${shown(host)}: no such host`);
  return { text, host, ip: chosen.address, family: chosen.family === 6 ? 6 : 4, port };
}
