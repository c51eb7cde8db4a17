/**
 * The raw-packet PacketConn for the client, the server, `ping` and `dump`,
 * opened from a resolved config's `network` section (@paqet/rawsock) with the
 * backend `network.backend` names.
 */
import { openRawPacketConn, type RawPacketConnBase, type RawSocketOptions } from '@paqet/rawsock';
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

export function createPacketConn(config: ResolvedConfig): RawPacketConnBase {
  return openRawPacketConn(rawSocketOptions(config), config.network.backend);
}

export async function openPacketConn(config: ResolvedConfig): Promise<RawPacketConnBase> {
  return createPacketConn(config);
}
