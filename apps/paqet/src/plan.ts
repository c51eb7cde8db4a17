/** A readable account of what `run` would start for a resolved config (used by `run --check` and `run`). */
import type { TargetPolicy } from '@paqet/proxy';
import { afPacketUnavailableReason } from '@paqet/rawsock';
import { isNativeBlock } from '@paqet/kcp-native';
import { isExposed, isLoopbackOnly } from './config/exposure.js';
import { describeCipherImplementation } from './transport/cipher-choice.js';
import type { NetworkFamily, ResolvedConfig, ResolvedKcp, ResolvedQuic } from './config/index.js';

const EXPOSED = 'EXPOSED: reachable from other hosts';

function describeTargets(t: TargetPolicy): string {
  if (!t.restricts) return 'any address this server can reach (no targets section; see docs/configuration.md)';
  const list = (rules: readonly { text: string }[]) => rules.map((r) => r.text).join(', ');
  const parts = [];
  if (t.deny.length > 0) parts.push(`deny ${list(t.deny)}`);
  parts.push(t.allow.length > 0 ? `allow only ${list(t.allow)}` : 'allow the rest');
  return `${parts.join('; ')} (names are checked after resolving)`;
}

/** The configured backend, and for `auto` what it means on this host (and why, when it is not afpacket on Linux). */
function describeBackend(choice: ResolvedConfig['network']['backend']): string {
  if (choice !== 'auto') return choice;
  const why = afPacketUnavailableReason();
  return why === null ? 'auto (afpacket here)' : `auto (pcap here${process.platform === 'linux' ? `: ${why}` : ''})`;
}

const family = (f: NetworkFamily | null) => (f ? f.addr.text : '<nil>');
const flags = (list: readonly { text: string }[]) => `[${list.map((f) => JSON.stringify(f.text)).join(', ')}]`;

export function describePlan(c: ResolvedConfig): string {
  const n = c.network;
  const lines: string[] = [`config ${c.file}: OK (role ${c.role}, log level ${c.log.level})`];
  if (c.role === 'client') {
    lines.push(
      `client IPv4:${family(n.ipv4)} IPv6:${family(n.ipv6)} -> ${c.server!.text} (${c.transport.conn} connections)`,
      `  local port: ${n.port === 0 ? 'random per connection (32768-65535)' : n.port}`,
    );
    for (const s of c.socks5) {
      const auth = s.authRequired ? `RFC 1929 user ${JSON.stringify(s.username)}` : `no auth${isExposed(s) ? `, ${EXPOSED}` : ''}`;
      lines.push(`  SOCKS5 listener ${s.listen.text} (${auth})`);
    }
    for (const f of c.forward) {
      lines.push(`  forward ${f.protocol} ${f.listen.text} -> ${f.target.text} (resolved by the server${isExposed(f) ? `; ${EXPOSED}` : ''})`);
    }
    lines.push(`  stream header ${c.transport.header === 'gob' ? 'gob (fork mode: for the QUIC fork\'s servers)' : 'binary (upstream paqet)'}`);
  } else {
    lines.push(`server listening for packets on ${c.listen!.text} (packet port ${n.port})`, '  stream headers: binary (upstream clients) and gob (QUIC fork clients), each answered in its kind');
    lines.push(`  targets: ${describeTargets(c.targets)}`);
  }
  lines.push(`  interface ${n.interface}${n.interfaceMac ? ` (${n.interfaceMac})` : ''}${n.guid ? ` guid ${n.guid}` : ''}, pcap sockbuf ${n.pcap.sockbuf}, backend ${describeBackend(n.backend)}`);
  if (n.ipv4) lines.push(`  IPv4 ${n.ipv4.addr.text} via router ${n.ipv4.routerMac}`);
  if (n.ipv6) lines.push(`  IPv6 ${n.ipv6.addr.text} via router ${n.ipv6.routerMac}`);
  lines.push(`  TCP flags local ${flags(n.tcp.localFlag)} remote ${flags(n.tcp.remoteFlag)}`);
  lines.push(`  firewall ${n.firewall}${c.metrics.listen ? `, metrics on http://${c.metrics.listen.text}/metrics (status page /status${isLoopbackOnly(c.metrics.listen) ? '' : `; ${EXPOSED}`})` : ''}`);
  const t = c.transport;
  if (t.protocol === 'kcp+quic') lines.push('  transports: KCP and QUIC on the same port (told apart by each client\'s first datagram)');
  if (t.kcp) lines.push(...kcpLines(t.kcp));
  if (t.quic) lines.push(...quicLines(t.quic));
  return lines.join('\n') + '\n';
}

function quicLines(q: ResolvedQuic): string[] {
  return [
    `  QUIC v1 (ALPN paqet-quic), datagrams <= ${q.mtu} bytes, idle timeout ${q.maxIdleTimeoutMs / 1000}s, keepalive ${q.keepAlivePeriodMs / 1000}s`,
    q.insecureSkipVerify
      ? `  authentication OFF (insecure_skip_verify): fork-compatible, no certificate checks${q.key ? '; this end still presents the key\'s certificate, which keyed peers check' : ''}`
      : '  authentication: both ends prove the shared key (Ed25519 certificate derived from PBKDF2 of transport.quic.key)',
    `  streams: ${q.maxIncomingStreams} incoming, stream window ${q.initialStreamReceiveWindow}-${q.maxStreamReceiveWindow}, ` +
      `connection window ${q.initialConnectionReceiveWindow}-${q.maxConnectionReceiveWindow}`,
    `  congestion control: ${q.congestion}`,
  ];
}

function kcpLines(k: ResolvedKcp): string[] {
  const lines: string[] = [];
  lines.push(
    `  KCP mode ${k.mode} (nodelay ${k.nodelay}, interval ${k.interval} ms, resend ${k.resend}, nc ${k.nocongestion}, ` +
      `write delay ${k.writeDelay ? 'on' : 'off'}, ack nodelay ${k.ackNoDelay ? 'on' : 'off'}), mtu ${k.mtu}, sndwnd ${k.sndwnd}${k.windowsFromPath.snd ? '+ (fitted to the path)' : ''}, rcvwnd ${k.rcvwnd}${k.windowsFromPath.rcv ? '+ (fitted to the path)' : ''}`,
  );
  lines.push(
    `  encryption ${k.block}${k.cipherKey ? ` (${k.cipherKey.length}-byte key from PBKDF2)` : ' (no cipher)'}` +
      `${k.block === 'none' || k.block === 'null' ? ', NO authentication' : ''}, FEC ${fecAsRun(k.dshard, k.pshard)}`,
  );
  if (isNativeBlock(k.block)) lines.push(`  datagrams ${describeCipherImplementation(k.block)}`);
  lines.push(
    `  smux v${k.smux.version}: session buffer ${k.smux.maxReceiveBuffer}, stream buffer ${k.smux.maxStreamBuffer}${k.smux.windowFromPath ? '+ (fitted to the path)' : ''}, ` +
      `keepalive ${k.smux.keepAliveIntervalMs / 1000}s / timeout ${k.smux.keepAliveTimeoutMs / 1000}s`,
  );
  return lines;
}

/** FEC as the session will really run it: both shard counts or nothing. */
function fecAsRun(dshard: number, pshard: number): string {
  if (dshard > 0 && pshard > 0) return `${dshard} data + ${pshard} parity`;
  if (dshard > 0) return `off (dshard ${dshard} without pshard: FEC needs both)`;
  if (pshard > 0) return `off (pshard ${pshard} without dshard: FEC needs both)`;
  return 'off';
}
