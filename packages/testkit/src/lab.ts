/**
 * The network-namespace lab (scripts/lab.sh) for tests, the demo and benchmarks:
 * client, server and target namespaces joined by veth pairs, static addresses, MACs and
 * neighbours, and paqet's iptables rules. Needs root (or CAP_NET_ADMIN + CAP_SYS_ADMIN).
 *
 *   const lab = await startLab(`rawsock${process.pid}`);
 *   await lab.exec('client', ['ip', 'addr']);
 *   await lab.stop();
 */
import { execFile, spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** 'wan' exists only after `insertWan()`. */
export type LabHostName = 'client' | 'server' | 'target' | 'wan';

export interface LabLink {
  /** Interface name inside the namespace. */
  interface: string;
  mac: string;
  ipv4: string;
  /** Only on the client<->server link. */
  ipv6?: string;
}

export interface LabHost {
  /** Network namespace name (use with `ip netns exec`). */
  ns: string;
  /** The link towards the other paqet end (client: pqc0, server: pqs0) or towards the server (target: pqt0). */
  link: LabLink;
  /** MAC of the neighbour on `link` (the router_mac to configure). */
  peerMac: string;
}

export interface LabOptions {
  /** Port for the server-side iptables rules (default 9999). */
  serverPort?: number;
  /** Port or "LO:HI" range for the client-side rules (default 32768:65535). */
  clientPort?: number | string;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Lab {
  prefix: string;
  client: LabHost;
  server: LabHost & { targetLink: LabLink };
  target: LabHost;
  /** Run a command to completion inside a namespace. Rejects only if it cannot start. */
  exec(host: LabHostName, argv: string[], options?: { timeoutMs?: number; input?: string }): Promise<ExecResult>;
  /** Start a long-running process inside a namespace; `stop()` kills it if still running. */
  spawn(host: LabHostName, argv: string[], options?: SpawnOptions): ChildProcess;
  /** Add paqet's iptables rules for another port or range on the client or server link. */
  addPortRules(host: 'client' | 'server', port: number | string): Promise<void>;
  /**
   * Splice the 'wan' namespace into the client<->server link (lab.sh wan): from then on
   * nothing crosses that link unless a relay in 'wan' forwards it (see impairment.ts).
   */
  insertWan(): Promise<void>;
  /** Kill spawned processes and delete the namespaces. Idempotent. */
  stop(): Promise<void>;
}

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const LAB_SCRIPT = resolve(repoRoot, 'scripts/lab.sh');

/** Why the lab cannot run here, or null if it can (root on Linux with `ip`). */
export function labUnavailableReason(): string | null {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'the namespace lab needs root';
  if (!existsSync(LAB_SCRIPT)) return `lab script missing at ${LAB_SCRIPT}`;
  const ip = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  if (ip.error || ip.status !== 0) return `"ip netns" does not work: ${ip.error?.message ?? ip.stderr}`;
  return null;
}

function run(argv: string[], options: { timeoutMs?: number; input?: string } = {}): Promise<ExecResult> {
  return new Promise((resolveRun, reject) => {
    const child = execFile(argv[0], argv.slice(1), { timeout: options.timeoutMs ?? 30_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return reject(err);
      resolveRun({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1).trim();
  }
  return out;
}

export async function startLab(prefix: string, options: LabOptions = {}): Promise<Lab> {
  const reason = labUnavailableReason();
  if (reason) throw new Error(`cannot start lab ${prefix}: ${reason}`);
  const args = [LAB_SCRIPT, 'up', prefix];
  if (options.serverPort !== undefined) args.push('--server-port', String(options.serverPort));
  if (options.clientPort !== undefined) args.push('--client-port', String(options.clientPort));
  const up = await run(['bash', ...args]);
  if (up.code !== 0) throw new Error(`lab.sh up ${prefix} failed (${up.code}): ${up.stderr.trim()}`);
  const v = parseInfo(up.stdout);

  const children = new Set<ChildProcess>();
  let stopped = false;
  const downSync = () => {
    spawnSync('bash', [LAB_SCRIPT, 'down', prefix]);
  };
  // Safety net: a crashed test run must not leave namespaces behind.
  process.once('exit', downSync);

  const nsOf = (host: LabHostName) => ({ client: v.NS_CLIENT, server: v.NS_SERVER, target: v.NS_TARGET, wan: v.NS_WAN })[host];

  const lab: Lab = {
    prefix,
    client: {
      ns: v.NS_CLIENT,
      link: { interface: v.CLIENT_IF, mac: v.CLIENT_MAC, ipv4: v.CLIENT_IP, ipv6: v.CLIENT_IP6 },
      peerMac: v.SERVER_MAC,
    },
    server: {
      ns: v.NS_SERVER,
      link: { interface: v.SERVER_IF, mac: v.SERVER_MAC, ipv4: v.SERVER_IP, ipv6: v.SERVER_IP6 },
      peerMac: v.CLIENT_MAC,
      targetLink: { interface: v.SERVER_TARGET_IF, mac: v.SERVER_TARGET_MAC, ipv4: v.SERVER_TARGET_IP },
    },
    target: {
      ns: v.NS_TARGET,
      link: { interface: v.TARGET_IF, mac: v.TARGET_MAC, ipv4: v.TARGET_IP },
      peerMac: v.SERVER_TARGET_MAC,
    },
    exec(host, argv, execOptions) {
      return run(['ip', 'netns', 'exec', nsOf(host), ...argv], execOptions);
    },
    spawn(host, argv, spawnOptions = {}) {
      const child = spawn('ip', ['netns', 'exec', nsOf(host), ...argv], spawnOptions);
      children.add(child);
      child.once('exit', () => children.delete(child));
      return child;
    },
    async addPortRules(host, port) {
      const ifname = host === 'client' ? v.CLIENT_IF : v.SERVER_IF;
      const r = await run(['bash', LAB_SCRIPT, 'rules', prefix, host, ifname, String(port)]);
      if (r.code !== 0) throw new Error(`lab.sh rules failed: ${r.stderr.trim()}`);
    },
    async insertWan() {
      const r = await run(['bash', LAB_SCRIPT, 'wan', prefix]);
      if (r.code !== 0) throw new Error(`lab.sh wan ${prefix} failed (${r.code}): ${r.stderr.trim()}`);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
      await run(['bash', LAB_SCRIPT, 'down', prefix]);
      process.removeListener('exit', downSync);
    },
  };
  return lab;
}
