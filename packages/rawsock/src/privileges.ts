/**
 * Checks, before touching libpcap, that this process may open packet sockets.
 * Doing it up front gives a clear message instead of libpcap's.
 */
import { readFileSync } from 'node:fs';

/** Linux capability numbers (linux/capability.h). */
const CAP_NET_ADMIN = 12;
const CAP_NET_RAW = 13;

export interface PrivilegeReport {
  /** False only when we know for sure that opening a packet socket will fail. */
  canCapture: boolean;
  detail: string;
}

/** Effective capability mask from /proc/self/status (Linux), or undefined elsewhere. */
function effectiveCapabilities(): bigint | undefined {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const m = /^CapEff:\s*([0-9a-fA-F]+)$/m.exec(status);
    return m ? BigInt('0x' + m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export function checkCapturePrivileges(): PrivilegeReport {
  if (process.platform !== 'linux') return { canCapture: true, detail: 'not checked on ' + process.platform };
  const caps = effectiveCapabilities();
  if (caps === undefined) return { canCapture: true, detail: 'capabilities unknown' };
  const raw = (caps >> BigInt(CAP_NET_RAW)) & 1n;
  if (raw === 1n) {
    const admin = (caps >> BigInt(CAP_NET_ADMIN)) & 1n;
    return { canCapture: true, detail: admin === 1n ? 'CAP_NET_RAW+CAP_NET_ADMIN' : 'CAP_NET_RAW' };
  }
  const uid = process.getuid?.() ?? -1;
  return { canCapture: false, detail: `uid ${uid} lacks CAP_NET_RAW` };
}
