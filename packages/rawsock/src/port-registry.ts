/**
 * "Port in use" detection, as far as it is detectable: paqet owns no kernel socket,
 * so the kernel cannot refuse a second user. We refuse (a) a second raw socket on the
 * same interface and port in this process and (b) a port on which a kernel TCP socket
 * listens in this network namespace (the kernel would answer our peer itself).
 */
import { readFileSync } from 'node:fs';
import { portInUseError } from './errors.js';

const claimed = new Set<string>();

const TCP_LISTEN = '0A';

/** True if /proc/net/tcp{,6} shows a LISTEN socket on `port`. */
export function kernelTcpListenerOn(port: number): boolean {
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const lines = text.split('\n');
    for (let i = 1; i < lines.length; i++) {
      const cols = lines[i].trim().split(/\s+/);
      if (cols.length < 4) continue;
      const local = cols[1];
      const colon = local.lastIndexOf(':');
      if (colon < 0) continue;
      if (parseInt(local.slice(colon + 1), 16) === port && cols[3] === TCP_LISTEN) return true;
    }
  }
  return false;
}

/** Claims (interface, port) for this process; throws PAQET_ERR_PORT_IN_USE if taken. Returns the release function. */
export function claimPort(iface: string, port: number): () => void {
  const key = `${iface}/${port}`;
  if (claimed.has(key)) throw portInUseError(port, `another paqet raw socket on ${iface} in this process`);
  if (kernelTcpListenerOn(port)) throw portInUseError(port, 'a kernel TCP socket listening in this network namespace');
  claimed.add(key);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    claimed.delete(key);
  };
}
