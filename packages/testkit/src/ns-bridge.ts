/**
 * Reach a TCP port inside a lab namespace from the test process: a small node process in
 * the namespace accepts on a Unix socket (paths are not namespaced) and pipes each
 * connection to HOST:PORT there. The bytes are untouched, one TCP connection per client,
 * and a close or reset on either side closes the other.
 *
 *   const bridge = await bridgeIntoLab(lab, 'client', '127.0.0.1', 1080);
 *   const socket = net.connect(bridge.path);
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Lab, LabHostName } from './lab.js';

const BRIDGE_PROGRAM = `
const net = require('node:net');
const [path, host, port] = process.argv.slice(1);
net.createServer((a) => {
  const b = net.connect(Number(port), host);
  a.pipe(b); b.pipe(a);
  a.on('error', () => b.destroy()); b.on('error', () => a.destroy());
  a.on('close', () => b.destroy()); b.on('close', () => a.destroy());
}).listen(path, () => console.log('ready'));
process.stdin.on('end', () => process.exit(0)).resume();
`;

export interface NamespaceBridge {
  readonly path: string;
  connect(): Socket;
  close(): Promise<void>;
}

export async function bridgeIntoLab(lab: Lab, host: LabHostName, targetHost: string, port: number): Promise<NamespaceBridge> {
  const dir = mkdtempSync(join(tmpdir(), 'paqet-bridge-'));
  const path = join(dir, 'sock');
  const child = lab.spawn(host, [process.execPath, '-e', BRIDGE_PROGRAM, path, targetHost, String(port)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`bridge into ${host} ${targetHost}:${port} did not start`)), 10_000);
    child.stdout!.once('data', () => (clearTimeout(timer), ready()));
    child.once('exit', () => (clearTimeout(timer), fail(new Error('bridge exited'))));
  });
  return {
    path,
    connect: () => connect(path),
    async close() {
      child.stdin!.end();
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
