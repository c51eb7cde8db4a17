/**
 * One datagram to an echoing peer and back, over any PacketConn: resent every 100 ms
 * (a peer that is not ready yet, or a link coming back up) until the same bytes return.
 */
import type { Endpoint, PacketConn } from '@paqet/wire';

const RESEND_MS = 100;

/** Resolves when `peer` has echoed `tag`; rejects after `timeoutMs`. Replaces the conn's handler meanwhile. */
export function echoThrough(conn: PacketConn, peer: Endpoint, tag: string, timeoutMs: number): Promise<void> {
  const payload = new TextEncoder().encode(tag);
  return new Promise((resolve, reject) => {
    const resend = setInterval(() => conn.send(payload, peer), RESEND_MS);
    const finish = (err: Error | null) => {
      clearInterval(resend);
      clearTimeout(give);
      conn.onDatagram(null);
      if (err) reject(err);
      else resolve();
    };
    const give = setTimeout(() => finish(new Error(`no echo of "${tag}" from ${peer.address}:${peer.port} within ${timeoutMs} ms`)), timeoutMs);
    conn.onDatagram((d) => {
      if (new TextDecoder().decode(d) === tag) finish(null);
    });
    conn.send(payload, peer);
  });
}
