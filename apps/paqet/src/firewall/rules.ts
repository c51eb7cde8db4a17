/**
 * The host firewall rules paqet needs (docs/operations.md, "Firewall"): the kernel must
 * neither track the crafted segments' port nor answer them with RSTs. Each rule carries an
 * iptables comment naming the config it belongs to, so removal deletes exactly our rules.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';

export type Family = 'ipv4' | 'ipv6';

export interface FirewallRule {
  readonly table: 'raw' | 'mangle';
  readonly chain: 'PREROUTING' | 'OUTPUT';
  /** Match and target arguments, without the tag comment. */
  readonly spec: readonly string[];
}

/** `paqet:` and 12 hex digits of the config file's absolute path: one tag per config. */
export function firewallTag(configFile: string): string {
  return `paqet:${createHash('sha256').update(resolve(configFile)).digest('hex').slice(0, 12)}`;
}

/** The three rules for one local port: NOTRACK both ways, and DROP of the kernel's RSTs. */
export function portRules(port: number): FirewallRule[] {
  const p = String(port);
  return [
    { table: 'raw', chain: 'PREROUTING', spec: ['-p', 'tcp', '--dport', p, '-j', 'NOTRACK'] },
    { table: 'raw', chain: 'OUTPUT', spec: ['-p', 'tcp', '--sport', p, '-j', 'NOTRACK'] },
    { table: 'mangle', chain: 'OUTPUT', spec: ['-p', 'tcp', '--sport', p, '--tcp-flags', 'RST', 'RST', '-j', 'DROP'] },
  ];
}

/** `iptables -S` line → the arguments that delete it, when it carries `tag`. */
export function deletionArgs(line: string, tag: string): string[] | null {
  if (!line.startsWith('-A ')) return null;
  const args = splitRuleLine(line);
  const c = args.indexOf('--comment');
  if (c < 0 || args[c + 1] !== tag) return null;
  args[0] = '-D';
  return args;
}

/** The port a tagged rule line is about (its --dport or --sport), or null. */
export function rulePort(line: string): number | null {
  const m = /--[ds]port (\d+)/.exec(line);
  return m ? Number(m[1]) : null;
}

/** Splits an `iptables -S` line, honouring the double quotes iptables puts around comments. */
function splitRuleLine(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!);
  return out;
}
