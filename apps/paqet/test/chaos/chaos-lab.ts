/**
 * The chaos lab: the namespace lab with the wan relay spliced into the client<->server link,
 * an HTTP target serving random files, and our server and client daemons (real processes of
 * dist/cli.js) configured from examples/*.yaml. Transfers go through the client's SOCKS5
 * with curl and are checked by sha256; the daemons' peak RSS, open fds and exit statuses are
 * read from /proc and their processes.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import {
  PAQET_CLI,
  startImpairmentRelay,
  startLab,
  startPaqetDaemon,
  type ExitStatus,
  type ImpairmentRelay,
  type ImpairmentSettings,
  type Lab,
  type PaqetDaemon,
} from '@paqet/testkit';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
export const SOCKS_PORT = 1080;
export const TARGET_URL = 'http://10.200.2.2:8000';
/** docs/operations.md "failure behaviour": the memory budget per daemon. */
export const PEAK_RSS_BUDGET = 120 * 1024 * 1024;

export type Role = 'client' | 'server';

export interface ChaosLabOptions {
  /** Part of the namespace prefix (unique per test file); the pid is added. */
  name: string;
  /** Relay settings from the start (default: a clean link). */
  link?: ImpairmentSettings;
  seed: number;
  /** Files the target serves: name -> size in bytes (random content). */
  files: Record<string, number>;
  /** Reed-Solomon 10/3 on both ends (the examples' commented lines). */
  fec?: boolean;
}

export interface Transfer {
  file: string;
  ok: boolean;
  /** curl's exit code (28: timed out). */
  code: number;
  bytes: number;
  seconds: number;
  stderr: string;
}

export class ChaosLab {
  readonly exits: { role: Role; status: ExitStatus; how: 'SIGTERM' | 'SIGKILL' }[] = [];
  /** Highest VmHWM seen per role over every daemon process of this lab. */
  readonly peakRss: Record<Role, number> = { client: 0, server: 0 };
  daemons: Partial<Record<Role, PaqetDaemon>> = {};
  /** Every daemon process this lab started, restarted ones included. */
  readonly allDaemons: PaqetDaemon[] = [];
  private readonly sha = new Map<string, string>();
  private downloads = 0;

  private constructor(
    readonly lab: Lab,
    readonly relay: ImpairmentRelay,
    readonly dir: string,
    readonly configs: Record<Role, string>,
  ) {}

  static async start(o: ChaosLabOptions): Promise<ChaosLab> {
    ensurePaqetBuilt();
    const dir = mkdtempSync(join(tmpdir(), `paqet-chaos-${o.name}-`));
    const lab = await startLab(`pqx${o.name}${process.pid}`);
    let relay: ImpairmentRelay | undefined;
    try {
      await lab.insertWan();
      relay = await startImpairmentRelay(lab, o.link ?? {}, o.seed);
      // Any string is a key (PBKDF2 stretches it); `paqet secret` would print the same kind of value.
      const key = randomBytes(32).toString('hex');
      const configs = { server: join(dir, 'server.yaml'), client: join(dir, 'client.yaml') };
      writeFileSync(configs.server, exampleConfig('server', key, o.fec));
      writeFileSync(configs.client, exampleConfig('client', key, o.fec));
      const chaos = new ChaosLab(lab, relay, dir, configs);
      mkdirSync(join(dir, 'www'));
      for (const [name, size] of Object.entries(o.files)) {
        const bytes = randomBytes(size);
        writeFileSync(join(dir, 'www', name), bytes);
        chaos.sha.set(name, createHash('sha256').update(bytes).digest('hex'));
      }
      lab.spawn('target', ['python3', '-m', 'http.server', '8000', '--bind', '10.200.2.2', '--directory', join(dir, 'www')], { stdio: 'ignore' });
      await chaos.waitFor('the HTTP target', async () => (await lab.exec('target', ['bash', '-c', 'exec 3<>/dev/tcp/10.200.2.2/8000'])).code === 0);
      await chaos.startDaemon('server');
      await chaos.startDaemon('client');
      return chaos;
    } catch (err) {
      await relay?.stop();
      await lab.stop();
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /**
   * Starts (or restarts) one daemon; resolves when it is ready to serve. An `extra` daemon
   * (another client beside the main one, with its own config) is not tracked as the role's.
   */
  async startDaemon(role: Role, config = this.configs[role], extra?: { socksPort: number }): Promise<PaqetDaemon> {
    const d = startPaqetDaemon(this.lab, role, ['run', '-c', config]);
    if (!extra) this.daemons[role] = d;
    this.allDaemons.push(d);
    if (role === 'server') await d.waitForOutput('server listening for packets on :9999');
    else {
      await d.waitForOutput(/client IPv4:/);
      const port = extra?.socksPort ?? SOCKS_PORT;
      await this.waitFor('the SOCKS5 port', async () => (await this.lab.exec('client', ['bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`])).code === 0);
    }
    return d;
  }

  /** A config file next to the lab's: the role's config text passed through `edit`. */
  writeConfig(role: Role, name: string, edit: (text: string) => string): string {
    const file = join(this.dir, name);
    writeFileSync(file, edit(readFileSync(this.configs[role], 'utf8')));
    return file;
  }

  /** Records the daemon's peak RSS (it must be read while the process lives). */
  notePeak(role: Role): void {
    const d = this.daemons[role];
    if (!d || d.exitStatus()) return;
    this.peakRss[role] = Math.max(this.peakRss[role], d.memory().peakRss);
  }

  /** Reads both daemons' VmHWM, reports it under `label` and checks it against the budget. */
  expectPeakRssWithinBudget(label: string): void {
    this.notePeak('client');
    this.notePeak('server');
    const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
    console.log(`chaos: ${label} peak RSS: client ${mb(this.peakRss.client)} MB, server ${mb(this.peakRss.server)} MB`);
    expect(this.peakRss.client, 'client peak RSS').toBeLessThanOrEqual(PEAK_RSS_BUDGET);
    expect(this.peakRss.server, 'server peak RSS').toBeLessThanOrEqual(PEAK_RSS_BUDGET);
  }

  /** SIGTERM (graceful) or SIGKILL (kill -9); the status is kept in `exits`. */
  async stopDaemon(role: Role, how: 'SIGTERM' | 'SIGKILL'): Promise<ExitStatus> {
    const d = this.daemons[role];
    if (!d) throw new Error(`no ${role} daemon`);
    this.notePeak(role);
    const status = how === 'SIGTERM' ? await d.stop() : await d.kill9();
    this.exits.push({ role, status, how });
    return status;
  }

  /** curl through the client's SOCKS5; `ok` only when every byte arrived and the sha256 matches. */
  async download(file: string, maxSeconds = 60, curlOptions: string[] = []): Promise<Transfer> {
    const out = join(this.dir, `got-${this.downloads++}-${file}`);
    const r = await this.lab.exec(
      'client',
      // curlOptions come after the defaults: for curl the last occurrence of an option wins.
      ['curl', '-sS', '--fail', '--max-time', String(maxSeconds), '--socks5-hostname', `127.0.0.1:${SOCKS_PORT}`, ...curlOptions, '-o', out, '-w', '%{size_download} %{time_total}', `${TARGET_URL}/${file}`],
      { timeoutMs: (maxSeconds + 10) * 1000 },
    );
    const [bytes, seconds] = r.stdout.trim().split(' ').map(Number);
    const got = existsSync(out) ? createHash('sha256').update(readFileSync(out)).digest('hex') : '';
    rmSync(out, { force: true });
    return { file, ok: r.code === 0 && got === this.sha.get(file), code: r.code, bytes: bytes ?? 0, seconds: seconds ?? 0, stderr: r.stderr.trim() };
  }

  /**
   * Milliseconds from now until a download of `file` succeeds (retrying with short curl
   * timeouts), or null after `limitMs`.
   */
  async timeToFirstSuccess(file: string, limitMs: number, attemptSeconds = 5): Promise<number | null> {
    const started = Date.now();
    while (Date.now() - started < limitMs) {
      const t = await this.download(file, attemptSeconds);
      if (t.ok) return Date.now() - started;
    }
    return null;
  }

  async waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  /** Stops both daemons with SIGTERM (statuses land in `exits`), then the relay and the lab. */
  async finish(): Promise<void> {
    try {
      for (const role of ['client', 'server'] as const) if (this.daemons[role] && !this.daemons[role]!.exitStatus()) await this.stopDaemon(role, 'SIGTERM');
    } finally {
      await this.relay.stop().catch(() => {});
      await this.lab.stop();
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  /** Node process warnings (MaxListenersExceededWarning, ...) and uncaught errors any daemon printed. */
  processWarnings(): string[] {
    return this.allDaemons.flatMap((d) => d.output().split('\n').filter((l) => /\(node:\d+\) \[?\w*(Warning|Error)|^Uncaught|^\w*Error: /.test(l)).map((l) => `${d.host}: ${l}`));
  }

  /** Stops both daemons with SIGTERM: every SIGTERM so far was a clean exit 0 and no daemon printed a process warning. */
  async expectCleanStops(): Promise<void> {
    for (const role of ['client', 'server'] as const) if (this.daemons[role] && !this.daemons[role]!.exitStatus()) await this.stopDaemon(role, 'SIGTERM');
    expect(this.uncleanStops()).toEqual([]);
    expect(this.processWarnings()).toEqual([]);
  }

  /** The exits by SIGTERM that were not a clean exit 0. */
  uncleanStops(): string[] {
    return this.exits
      .filter((e) => e.how === 'SIGTERM' && (e.status.code !== 0 || e.status.signal !== null || e.status.escalated))
      .map((e) => `${e.role}: ${JSON.stringify(e.status)}`);
  }
}

/** The daemon runs from dist/: build it when a test is run on its own before any build. */
export function ensurePaqetBuilt(): void {
  if (!existsSync(PAQET_CLI)) execFileSync('pnpm', ['--filter', 'paqet...', 'build'], { cwd: REPO, stdio: 'ignore' });
}

/** examples/<role>.yaml with the key filled in (and FEC 10/3 switched on when asked). */
function exampleConfig(role: Role, key: string, fec = false): string {
  let text = readFileSync(join(REPO, 'examples', `${role}.yaml`), 'utf8').replace('change-me-to-the-output-of-paqet-secret', key);
  if (fec) text = text.replace(/# dshard: 10/, 'dshard: 10').replace(/# pshard: 3/, 'pshard: 3');
  if (!text.includes(key)) throw new Error(`examples/${role}.yaml: key line not found`);
  return text;
}
