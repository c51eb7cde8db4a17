import { readdirSync, readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { defaultRoute } from '@paqet/rawsock';
import type { Command } from '../cli/command.js';

/** Interface names in OS order; /sys also lists interfaces without addresses. */
function interfaceNames(): string[] {
  const fromOs = Object.keys(networkInterfaces());
  if (process.platform !== 'linux') return fromOs;
  try {
    const byIndex = readdirSync('/sys/class/net').map((name) => ({
      name,
      index: Number(readFileSync(`/sys/class/net/${name}/ifindex`, 'utf8')),
    }));
    return byIndex.sort((a, b) => a.index - b.index).map((e) => e.name);
  } catch {
    return fromOs;
  }
}

function macOf(name: string): string {
  try {
    const mac = readFileSync(`/sys/class/net/${name}/address`, 'utf8').trim();
    return mac === '00:00:00:00:00:00' ? '' : mac;
  } catch {
    const entry = networkInterfaces()[name]?.find((e) => e.mac !== '00:00:00:00:00:00');
    return entry?.mac ?? '';
  }
}

/** apps/paqet/README.md layout: title, `  name: MAC`, `    addr/prefix` lines, final empty line. */
export function ifaceListing(): string {
  const addrs = networkInterfaces();
  let out = 'Available network interfaces:\n';
  for (const name of interfaceNames()) {
    out += `  ${name}: ${macOf(name)}\n`;
    for (const a of addrs[name] ?? []) out += `    ${a.cidr ?? a.address}\n`;
  }
  return out + '\n';
}

export const ifaceCommand: Command = {
  name: 'iface',
  short: 'Lists network interfaces and their addresses',
  flags: [],
  async run(ctx) {
    try {
      ctx.stdout.write(ifaceListing());
    } catch (err) {
      ctx.stdout.write(`Error listing interfaces: ${(err as Error).message}`);
      return 0;
    }
    try {
      const r = await defaultRoute({ family: 4 });
      ctx.stdout.write(
        `Default route: via ${r.gateway} dev ${r.interface} (source ${r.sourceAddress}), gateway MAC ${r.gatewayMac}\n\n` +
          `network:\n  interface: "${r.interface}"\n  ipv4:\n    addr: "${r.sourceAddress}:0"        # client: 0 = random port; server: its paqet port\n` +
          `    router_mac: "${r.gatewayMac}"\n`,
      );
    } catch (err) {
      ctx.stdout.write(`Default route: ${(err as Error).message}\n`);
    }
    return 0;
  },
};
