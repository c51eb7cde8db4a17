/**
 * Listeners other hosts can use. A SOCKS5 listener without credentials, or any
 * forward (forwards take no credentials), bound to anything but loopback is a
 * proxy for every host that can reach this one; loading says so (docs/configuration.md).
 */
import { tryParseIpAddress } from '@paqet/wire';
import type { ResolvedEndpoint } from './address.js';
import type { Collector } from './collector.js';
import { shown } from './issues.js';
import type { ForwardRule, Socks5Listener } from './types.js';

/** True only for 127.0.0.0/8, ::1 and IPv4-mapped loopback; an empty host binds every interface. */
export function isLoopbackOnly(ep: ResolvedEndpoint): boolean {
  const ip = ep.ip === null ? null : tryParseIpAddress(ep.ip);
  if (!ip) return false;
  const v4 = ip.family === 4 ? ip : ip.ipv4Mapped;
  if (v4) return v4.bytes[0] === 127;
  return ip.bytes.every((b, i) => b === (i === 15 ? 1 : 0));
}

/** An open listener: reachable from other hosts and asking for no credentials. */
export function isExposed(listener: Socks5Listener | ForwardRule): boolean {
  return !isLoopbackOnly(listener.listen) && !('authRequired' in listener && listener.authRequired);
}

export function warnExposed(c: Collector, socks5: readonly Socks5Listener[], forward: readonly ForwardRule[]): void {
  socks5.forEach((s, i) => {
    if (isExposed(s)) {
      c.warn(['socks5', i, 'listen'], `EXPOSED: "${shown(s.listen.text)}" is reachable from other hosts and asks for no username or password: an open proxy (listen on 127.0.0.1, or set username and password)`);
    }
  });
  forward.forEach((f, i) => {
    if (isExposed(f)) {
      c.warn(['forward', i, 'listen'], `EXPOSED: "${shown(f.listen.text)}" is reachable from other hosts, and forwards take no credentials: anyone who can reach this machine can use it (listen on 127.0.0.1)`);
    }
  });
}

/** metrics.listen takes no credentials either: off loopback, anyone who can reach it reads the tunnel's state. */
export function warnExposedMetrics(c: Collector, listen: ResolvedEndpoint | null): void {
  if (listen && !isLoopbackOnly(listen)) {
    c.warn(['metrics', 'listen'], `EXPOSED: "${shown(listen.text)}" is reachable from other hosts, and /metrics, /healthz and /status take no credentials: anyone who can reach this machine can read the tunnel's state and traffic counts (listen on 127.0.0.1)`);
  }
}
