/** What a config needs from the host firewall: its tag, address families and fixed port. */
import type { ResolvedConfig } from '../config/index.js';
import { Firewall, type FirewallBackend } from './iptables.js';
import { firewallTag, type Family } from './rules.js';

export interface FirewallPlan {
  readonly tag: string;
  readonly families: Family[];
  /** The fixed local port; empty for a client on random ports (rules follow each connection). */
  readonly ports: number[];
}

export function firewallPlan(config: ResolvedConfig): FirewallPlan {
  const families: Family[] = [];
  if (config.network.ipv4) families.push('ipv4');
  if (config.network.ipv6) families.push('ipv6');
  const port = config.network.port;
  return { tag: firewallTag(config.file), families, ports: port > 0 ? [port] : [] };
}

export function firewallFor(config: ResolvedConfig, backend: FirewallBackend = envBackend()): Firewall {
  const plan = firewallPlan(config);
  return new Firewall({ tag: plan.tag, families: plan.families, backend });
}

/** PAQET_IPTABLES=legacy|nft picks an iptables backend; default: the host's `iptables`. */
function envBackend(): FirewallBackend {
  const b = process.env.PAQET_IPTABLES;
  return b === 'legacy' || b === 'nft' ? b : 'auto';
}
