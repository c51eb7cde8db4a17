/**
 * Applies, removes and inspects paqet's tagged rules with the iptables tools (legacy or
 * nf_tables backend, IPv4 and IPv6). Only rules carrying our tag are ever deleted; apply
 * checks before it appends, so running it twice adds nothing.
 */
import { execFile } from 'node:child_process';
import { deletionArgs, portRules, rulePort, type Family, type FirewallRule } from './rules.js';

export type FirewallBackend = 'auto' | 'legacy' | 'nft';

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type Exec = (tool: string, args: readonly string[]) => Promise<ExecResult>;

const execTool: Exec = (tool, args) =>
  new Promise((done) => {
    execFile(tool, [...args], { timeout: 20_000 }, (err, stdout, stderr) => {
      if (!err) return done({ code: 0, stdout, stderr });
      const code = (err as NodeJS.ErrnoException & { code?: unknown }).code;
      done({ code: typeof code === 'number' ? code : code === 'ENOENT' ? 127 : 1, stdout, stderr: stderr || err.message });
    });
  });

export interface FirewallOptions {
  /** From firewallTag(config file). */
  readonly tag: string;
  readonly families: readonly Family[];
  readonly backend?: FirewallBackend;
  readonly exec?: Exec;
}

export interface RuleState {
  readonly family: Family;
  readonly port: number;
  readonly rule: FirewallRule;
  /** Present with our tag, present without it (added by hand), or missing. */
  readonly state: 'tagged' | 'untagged' | 'missing';
}

export class FirewallError extends Error {
  readonly code = 'PAQET_ERR_FIREWALL';
  constructor(message: string, readonly action: string) {
    super(message);
    this.name = 'FirewallError';
  }
}

export class Firewall {
  private readonly exec: Exec;

  constructor(private readonly options: FirewallOptions) {
    this.exec = options.exec ?? execTool;
  }

  /** The iptables program for a family and the configured backend. */
  tool(family: Family): string {
    const base = family === 'ipv4' ? 'iptables' : 'ip6tables';
    const backend = this.options.backend ?? 'auto';
    return backend === 'auto' ? base : `${base}-${backend}`;
  }

  /** Adds the rules for `ports` that are not there yet (tagged). Returns how many it added. */
  async apply(ports: readonly number[]): Promise<number> {
    let added = 0;
    for (const family of this.options.families) {
      for (const port of ports) {
        for (const rule of portRules(port)) {
          if ((await this.run(family, ['-t', rule.table, '-C', rule.chain, ...this.tagged(rule)], true)).code === 0) continue;
          await this.run(family, ['-t', rule.table, '-A', rule.chain, ...this.tagged(rule)]);
          added++;
        }
      }
    }
    return added;
  }

  /** Deletes every rule carrying our tag (all ports, or only `port`). Returns how many. */
  async remove(port?: number): Promise<number> {
    let removed = 0;
    for (const family of this.options.families) {
      for (const { table, chain } of CHAINS) {
        const listed = await this.run(family, ['-t', table, '-S', chain]);
        for (const line of listed.stdout.split('\n')) {
          const args = deletionArgs(line.trim(), this.options.tag);
          if (!args || (port !== undefined && rulePort(line) !== port)) continue;
          await this.run(family, ['-t', table, ...args]);
          removed++;
        }
      }
    }
    return removed;
  }

  /** Which of the rules `ports` need are present (ours or hand-made) and which are missing. */
  async status(ports: readonly number[]): Promise<RuleState[]> {
    const states: RuleState[] = [];
    for (const family of this.options.families) {
      for (const port of ports) {
        for (const rule of portRules(port)) {
          const check = (spec: readonly string[]) => this.run(family, ['-t', rule.table, '-C', rule.chain, ...spec], true);
          const state = (await check(this.tagged(rule))).code === 0 ? 'tagged' : (await check(rule.spec)).code === 0 ? 'untagged' : 'missing';
          states.push({ family, port, rule, state });
        }
      }
    }
    return states;
  }

  private tagged(rule: FirewallRule): string[] {
    const j = rule.spec.indexOf('-j');
    return [...rule.spec.slice(0, j), '-m', 'comment', '--comment', this.options.tag, ...rule.spec.slice(j)];
  }

  /** Runs the family's tool; a failure throws unless `mayFail` (for -C checks). */
  private async run(family: Family, args: string[], mayFail = false): Promise<ExecResult> {
    const tool = this.tool(family);
    // -w: wait for the xtables lock instead of failing when another program holds it.
    const r = await this.exec(tool, ['-w', ...args]);
    if (r.code === 127) throw new FirewallError(`${tool} not found`, `install iptables (apt-get install iptables) or set network.firewall: off`);
    if (r.code !== 0 && !mayFail) {
      throw new FirewallError(`${tool} ${args.join(' ')}: ${r.stderr.trim().split('\n')[0] ?? `exit ${r.code}`}`, 'run paqet as root or with CAP_NET_ADMIN');
    }
    return r;
  }
}

const CHAINS = [
  { table: 'raw', chain: 'PREROUTING' },
  { table: 'raw', chain: 'OUTPUT' },
  { table: 'mangle', chain: 'OUTPUT' },
] as const;
