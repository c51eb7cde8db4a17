/**
 * The raw-packet PacketConn for the client, the server, `ping` and `dump`,
 * opened from a resolved config's `network` section (@paqet/rawsock).
 */
import { PcapPacketConn, type RawSocketOptions } from '@paqet/rawsock';
import type { ResolvedConfig } from '../config/index.js';

/** rawsock options for `config.network`; `port` overrides the configured port (0 = random). */
export function rawSocketOptions(config: ResolvedConfig, port = config.network.port): RawSocketOptions {
  const n = config.network;
  const family = (f: NonNullable<typeof n.ipv4>) => ({ addr: f.addr.ip ?? '', port, routerMac: f.routerMac });
  return {
    interface: n.interface,
    ipv4: n.ipv4 ? family(n.ipv4) : undefined,
    ipv6: n.ipv6 ? family(n.ipv6) : undefined,
    localFlags: n.tcp.localFlag.map((f) => f.text),
    sockbuf: n.pcap.sockbuf,
    localMac: n.interfaceMac ?? undefined,
  };
}

export async function openPacketConn(config: ResolvedConfig): Promise<PcapPacketConn> {
  return new PcapPacketConn(rawSocketOptions(config));
}
