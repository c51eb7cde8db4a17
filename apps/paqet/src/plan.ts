/** A readable account of what `run` would start for a resolved config (used by `run --check` and `run`). */
import type { NetworkFamily, ResolvedConfig } from './config/index.js';

const family = (f: NetworkFamily | null) => (f ? f.addr.text : '<nil>');
const flags = (list: readonly { text: string }[]) => `[${list.map((f) => JSON.stringify(f.text)).join(', ')}]`;

export function describePlan(c: ResolvedConfig): string {
  const k = c.transport.kcp;
  const n = c.network;
  const lines: string[] = [`config ${c.file}: OK (role ${c.role}, log level ${c.log.level})`];
  if (c.role === 'client') {
    lines.push(
      `client IPv4:${family(n.ipv4)} IPv6:${family(n.ipv6)} -> ${c.server!.text} (${c.transport.conn} connections)`,
      `  local port: ${n.port === 0 ? 'random per connection (32768-65535)' : n.port}`,
    );
    for (const s of c.socks5) lines.push(`  SOCKS5 listener ${s.listen.text}${s.authRequired ? ` (RFC 1929 user ${JSON.stringify(s.username)})` : ' (no auth)'}`);
    for (const f of c.forward) lines.push(`  forward ${f.protocol} ${f.listen.text} -> ${f.target.text} (resolved by the server)`);
    lines.push(`  stream header ${c.transport.header === 'gob' ? 'gob (fork mode: for the QUIC fork\'s servers)' : 'binary (upstream paqet)'}`);
  } else {
    lines.push(`server listening for packets on ${c.listen!.text} (packet port ${n.port})`, '  stream headers: binary (upstream clients) and gob (QUIC fork clients), each answered in its kind');
  }
  lines.push(`  interface ${n.interface}${n.interfaceMac ? ` (${n.interfaceMac})` : ''}${n.guid ? ` guid ${n.guid}` : ''}, pcap sockbuf ${n.pcap.sockbuf}, backend ${n.backend}`);
  if (n.ipv4) lines.push(`  IPv4 ${n.ipv4.addr.text} via router ${n.ipv4.routerMac}`);
  if (n.ipv6) lines.push(`  IPv6 ${n.ipv6.addr.text} via router ${n.ipv6.routerMac}`);
  lines.push(`  TCP flags local ${flags(n.tcp.localFlag)} remote ${flags(n.tcp.remoteFlag)}`);
  lines.push(
    `  KCP mode ${k.mode} (nodelay ${k.nodelay}, interval ${k.interval} ms, resend ${k.resend}, nc ${k.nocongestion}, ` +
      `write delay ${k.writeDelay ? 'on' : 'off'}, ack nodelay ${k.ackNoDelay ? 'on' : 'off'}), mtu ${k.mtu}, sndwnd ${k.sndwnd}${k.windowsFromPath.snd ? '+ (fitted to the path)' : ''}, rcvwnd ${k.rcvwnd}${k.windowsFromPath.rcv ? '+ (fitted to the path)' : ''}`,
  );
  lines.push(
    `  encryption ${k.block}${k.cipherKey ? ` (${k.cipherKey.length}-byte key from PBKDF2)` : ' (no cipher)'}` +
      `${k.block === 'none' || k.block === 'null' ? ', NO authentication' : ''}, FEC ${k.dshard > 0 ? `${k.dshard} data + ${k.pshard} parity` : 'off'}`,
  );
  lines.push(
    `  smux v${k.smux.version}: session buffer ${k.smux.maxReceiveBuffer}, stream buffer ${k.smux.maxStreamBuffer}, ` +
      `keepalive ${k.smux.keepAliveIntervalMs / 1000}s / timeout ${k.smux.keepAliveTimeoutMs / 1000}s`,
  );
  return lines.join('\n') + '\n';
}
