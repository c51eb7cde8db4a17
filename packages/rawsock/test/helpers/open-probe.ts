/**
 * Tries to open raw sockets and prints each outcome as one JSON line; used by the
 * error tests for what must run in another process (another uid, no `cap`).
 * argv: interface localIp routerMac
 */
import { PcapPacketConn } from '@paqet/rawsock';
import { openSendHandle } from '../../src/pcap-handles.js';

const [iface, localIp, routerMac] = process.argv.slice(2);
const outcome = (step: string, fn: () => void) => {
  try {
    fn();
    console.log(JSON.stringify({ step, ok: true }));
  } catch (err) {
    console.log(JSON.stringify({ step, ok: false, code: (err as { code?: string }).code, message: (err as Error).message }));
  }
};
outcome('conn', () => new PcapPacketConn({ interface: iface, ipv4: { addr: localIp, port: 45000, routerMac } }).close());
// Straight to libpcap, past the up-front privilege check, to see its error mapped too.
outcome('libpcap', () => openSendHandle(iface).close());
