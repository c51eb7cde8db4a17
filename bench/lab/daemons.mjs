// Our paqet server and client (apps/paqet/dist/cli.js) inside the lab, configured from
// examples/*.yaml with a fresh key and the block under test, or with transport.protocol quic.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { run, sleep } from './proc.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// PAQET_BENCH_CLI (experiments only) runs another build's cli.js, for A/B runs between two trees.
export const CLI = process.env.PAQET_BENCH_CLI ?? `${ROOT}apps/paqet/dist/cli.js`;

/** The examples with their transport.kcp section replaced by transport.quic (same key, the QUIC defaults). */
function quicConfigFrom(example, key) {
  const text = readFileSync(`${ROOT}examples/${example}.yaml`, 'utf8')
    .replace(/protocol: "kcp"/, 'protocol: "quic"')
    .replace(/\n  kcp:\n(?:    .*\n?)*/, `\n  quic:\n    key: "${key}"\n`);
  if (!text.includes('protocol: "quic"') || !text.includes(key) || /\n  kcp:/.test(text)) throw new Error(`examples/${example}.yaml: transport section not as expected`);
  return text;
}

function configFrom(example, key, block, fec) {
  if (block === 'quic') return quicConfigFrom(example, key);
  let text = readFileSync(`${ROOT}examples/${example}.yaml`, 'utf8')
    .replace('change-me-to-the-output-of-paqet-secret', key)
    .replace(/block: "aes"/, `block: "${block}"`);
  // FEC 10/3: the examples carry the lines commented out.
  if (fec) text = text.replace(/# dshard: 10/, 'dshard: 10').replace(/# pshard: 3/, 'pshard: 3');
  // Experiments only (never in `pnpm bench`): PAQET_BENCH_WND="client:rcv,snd;server:rcv,snd"
  // replaces the commented window lines of the examples.
  const wnd = new RegExp(`(?:^|;)${example}:(\\d+),(\\d+)`).exec(process.env.PAQET_BENCH_WND ?? '');
  if (wnd) text = text.replace(/# rcvwnd: \d+[^\n]*/, `rcvwnd: ${wnd[1]}`).replace(/# sndwnd: \d+[^\n]*/, `sndwnd: ${wnd[2]}`);
  // PAQET_BENCH_SOCKBUF="client:N;server:N" replaces the pcap sockbuf of the examples.
  const sockbuf = new RegExp(`(?:^|;)${example}:(\\d+)`).exec(process.env.PAQET_BENCH_SOCKBUF ?? '');
  if (sockbuf) text = text.replace(/sockbuf: \d+/, `sockbuf: ${sockbuf[1]}`);
  // PAQET_BENCH_BACKEND=pcap|afpacket sets network.backend on both sides (default: the config default, auto).
  const backend = process.env.PAQET_BENCH_BACKEND;
  if (backend) text = text.replace(/^network:\n/m, `network:\n  backend: ${backend}\n`);
  if (!text.includes(key) || !text.includes(`block: "${block}"`)) throw new Error(`examples/${example}.yaml: key or block line not found`);
  return text;
}

/**
 * Starts server then client; resolves once the client's SOCKS5 port is open. `block` is the
 * KCP block under test, or 'quic' for transport.protocol quic. nodeFlags (e.g. ['--cpu-prof', '--cpu-prof-dir=DIR']) go to both node processes; fec turns on
 * the examples' Reed-Solomon 10/3 lines on both sides.
 */
export async function startDaemons(lab, { block, fec = false, workDir, nodeFlags = [] }) {
  const secret = await run('node', [CLI, 'secret']);
  const key = secret.stdout.trim();
  if (secret.code !== 0 || !key) throw new Error(`paqet secret failed: ${secret.stderr}`);
  writeFileSync(`${workDir}/server-${block}.yaml`, configFrom('server', key, block, fec));
  writeFileSync(`${workDir}/client-${block}.yaml`, configFrom('client', key, block, fec));
  const server = lab.spawn('server', 'node', [...nodeFlags, CLI, 'run', '-c', `${workDir}/server-${block}.yaml`], `${workDir}/server-${block}.log`);
  await sleep(300);
  const client = lab.spawn('client', 'node', [...nodeFlags, CLI, 'run', '-c', `${workDir}/client-${block}.yaml`], `${workDir}/client-${block}.log`);
  await lab.waitPort('client', '127.0.0.1', 1080);
  for (const [name, child] of [['server', server], ['client', client]]) {
    if (child.exitCode !== null) throw new Error(`paqet ${name} exited early (see ${workDir}/${name}-${block}.log)`);
  }
  return {
    pids: { client: client.pid, server: server.pid },
    /** SIGTERM (graceful, so --cpu-prof writes its profile), SIGKILL after 5 s. */
    async stop() {
      for (const child of [client, server]) {
        if (child.exitCode !== null) continue;
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await child.exited;
        clearTimeout(t);
      }
    },
  };
}
