/** Help and usage text in cobra's layout. */
import type { Command, FlagSpec } from './command.js';

export const ROOT_SHORT = 'KCP transport over raw TCP packet';
export const ROOT_LONG = 'paqet is a bidirectional packet-level proxy using KCP and raw socket transport with encryption.';

function flagLines(flags: readonly FlagSpec[]): string[] {
  const all: FlagSpec[] = [...flags, { name: 'help', short: 'h', kind: 'boolean', help: 'help for this command' }];
  const left = all.map((f) => `${f.short ? `-${f.short}, ` : '    '}--${f.name}${f.kind === 'string' ? ' string' : ''}`);
  const width = Math.max(...left.map((l) => l.length));
  return all.map((f, i) => {
    const dflt = f.kind === 'string' && f.default ? ` (default "${f.default}")` : '';
    return `  ${left[i]!.padEnd(width)}   ${f.help}${dflt}`;
  });
}

export function commandUsage(cmd: Command): string {
  return `Usage:\n  paqet ${cmd.name} [flags]\n\nFlags:\n${flagLines(cmd.flags).join('\n')}\n`;
}

export function commandHelp(cmd: Command): string {
  return `${cmd.long ?? cmd.short}\n\n${commandUsage(cmd)}`;
}

export function rootHelp(commands: readonly Command[]): string {
  const names = [...commands.map((c) => [c.name, c.short] as const), ['help', 'Help about any command'] as const].sort((a, b) =>
    a[0].localeCompare(b[0]),
  );
  // cobra pads command names to at least 11 columns, then one space.
  const width = Math.max(11, ...names.map(([n]) => n.length)) + 1;
  return (
    `${ROOT_LONG}\n\nUsage:\n  paqet [command]\n\nAvailable Commands:\n` +
    names.map(([n, s]) => `  ${n.padEnd(width)}${s}`).join('\n') +
    `\n\nFlags:\n  -h, --help   help for paqet\n\nUse "paqet [command] --help" for more information about a command.\n`
  );
}
