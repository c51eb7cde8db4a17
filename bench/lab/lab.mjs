// The namespace lab (scripts/lab.sh) seen from the benchmark: bring up, run inside, tear down,
// and the optional middle namespace that carries the impairment relay.
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mustRun, run, sleep } from './proc.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LAB_SH = `${ROOT}scripts/lab.sh`;
const HERE = fileURLToPath(new URL('.', import.meta.url));

export class Lab {
  constructor(prefix) {
    this.prefix = prefix;
    this.ns = { client: `${prefix}-client`, server: `${prefix}-server`, target: `${prefix}-target`, wan: `${prefix}-wan` };
    this.info = {};
  }

  async up() {
    const r = await mustRun('bash', [LAB_SH, 'up', this.prefix]);
    for (const line of r.stdout.split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) this.info[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }

  async down() {
    // lab.sh down also stops what runs in the wan namespace (the relay) and deletes it.
    await run('bash', [LAB_SH, 'down', this.prefix]);
  }

  /** argv that runs cmd inside a lab host's namespace. */
  argv(host, cmd, args) {
    return ['netns', 'exec', this.ns[host], cmd, ...args];
  }

  exec(host, cmd, args, opts) {
    return run('ip', this.argv(host, cmd, args), opts);
  }

  /** Starts a long-running process in a namespace; its output goes to logFile. `ip netns exec` execs, so child.pid is the process itself. */
  spawn(host, cmd, args, logFile, { stdin = 'ignore' } = {}) {
    const fd = openSync(logFile, 'a');
    const child = spawn('ip', this.argv(host, cmd, args), { stdio: [stdin, fd, fd] });
    child.exited = new Promise((r) => child.on('exit', (code, signal) => r({ code, signal })));
    return child;
  }

  /** Waits until a TCP port accepts connections from inside a namespace. */
  async waitPort(host, ip, port, timeoutMs = 15_000) {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const r = await this.exec(host, 'bash', ['-c', `exec 3<>/dev/tcp/${ip}/${port}`]);
      if (r.code === 0) return;
      await sleep(100);
    }
    throw new Error(`${host}: ${ip}:${port} not reachable after ${timeoutMs} ms`);
  }

  /**
   * lab.sh drops inbound TCP to the paqet client port range (32768-65535) on the client's
   * interface before the kernel sees it, which would also drop the replies to the baseline's
   * kernel TCP connections: kernel-chosen ports in the client namespace go below that range.
   */
  async kernelPortsBelowPaqetRange() {
    await mustRun('ip', this.argv('client', 'sysctl', ['-qw', 'net.ipv4.ip_local_port_range=10000 32767']));
  }

  /**
   * Checksum and segmentation offloads off, as lab.sh intends for the client<->server pair
   * (it needs ethtool, which this machine may lack): kernel TCP then sends MTU-sized frames
   * with complete checksums, which a relay in between can forward.
   */
  async offloadsOff(host, devs) {
    const pairs = host ? [[host, devs]] : [['client', [this.info.CLIENT_IF]], ['server', [this.info.SERVER_IF]]];
    for (const [h, d] of pairs) await mustRun('ip', this.argv(h, 'python3', [`${HERE}offloads-off.py`, ...d]));
  }

  /**
   * Splits the client<->server veth into client<->wan<->server (scripts/lab.sh wan) so that
   * a userspace relay in the wan namespace can add loss and delay (this kernel has no
   * sch_netem); then offloads off as for the other links.
   */
  async insertWan() {
    await mustRun('bash', [LAB_SH, 'wan', this.prefix]);
    await this.offloadsOff();
    await this.offloadsOff('wan', ['wanc', 'wans']);
  }
}
