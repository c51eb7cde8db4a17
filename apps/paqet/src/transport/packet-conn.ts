/**
 * The raw-packet PacketConn for the client, the server, `ping` and `dump`,
 * opened from a resolved config's `network` section (@paqet/rawsock) with the
 * backend `network.backend` names.
 */
import { afPacketUnavailableReason, openRawPacketConn, type RawPacketConnBase, type RawSocketOptions } from '@paqet/rawsock';
import type { ResolvedConfig } from '../config/index.js';

/**
 * The name libpcap opens: on Windows the Npcap device `network.guid` (`\\Device\\NPF_{GUID}`),
 * as the reference program does; elsewhere `network.interface`.
 */
export function pcapDeviceName(network: Pick<ResolvedConfig['network'], 'interface' | 'guid'>, platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' && network.guid ? network.guid : network.interface;
}

/** rawsock options for `config.network`; `port` overrides the configured port (0 = random). */
export function rawSocketOptions(config: ResolvedConfig, port = config.network.port, platform: NodeJS.Platform = process.platform): RawSocketOptions {
  const n = config.network;
  const family = (f: NonNullable<typeof n.ipv4>) => ({ addr: f.addr.ip ?? '', port, routerMac: f.routerMac });
  return {
    interface: pcapDeviceName(n, platform),
    ipv4: n.ipv4 ? family(n.ipv4) : undefined,
    ipv6: n.ipv6 ? family(n.ipv6) : undefined,
    localFlags: n.tcp.localFlag.map((f) => f.text),
    sockbuf: n.pcap.sockbuf,
    localMac: n.interfaceMac ?? undefined,
  };
}

/**
 * A warning for the start-up log when `backend: auto` falls back to pcap on Linux (the
 * AF_PACKET addon was not built or does not load), saying why; null otherwise.
 */
export function backendFallbackWarning(config: ResolvedConfig, platform: NodeJS.Platform = process.platform): string | null {
  if (config.network.backend !== 'auto' || platform !== 'linux') return null;
  const why = afPacketUnavailableReason();
  return why === null ? null : `network backend auto uses pcap (one syscall per frame): ${why}`;
}

export function createPacketConn(config: ResolvedConfig): RawPacketConnBase {
  return openRawPacketConn(rawSocketOptions(config), config.network.backend);
}

export async function openPacketConn(config: ResolvedConfig): Promise<RawPacketConnBase> {
  return createPacketConn(config);
}
