import { readdirSync, readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
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

/** cli.md 8 layout: title, `  name: MAC`, `    addr/prefix` lines, final empty line. */
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
    // Default gateway, its MAC and a ready `network:` section need @paqet/rawsock discovery.
    ctx.stderr.write('default gateway and network: section: not wired yet\n');
    return 0;
  },
};
