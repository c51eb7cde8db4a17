/**
 * Running a helper as another user (nobody, without capabilities). The checkout may be
 * private (mode 700: under /root, or a `mktemp -d`), where nobody can read neither the
 * bundle nor `cap`; so the bundle and the parts of `cap` it loads are copied to a
 * world-readable temp dir, and a run that cannot start says why instead of printing nothing.
 */
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lab, LabHostName } from '@paqet/testkit';
import { bundleEntry } from './bundle.js';

const pkgDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** Prefix that runs a command as uid/gid 65534 with no groups and no inheritable capabilities. */
export const AS_NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all'];

/** What of `cap` a bundle loads at run time (its JS and the built addon). */
const CAP_RUNTIME_PARTS = ['package.json', 'lib', 'build/Release/cap.node'];

export interface SharedHelper {
  /** The bundled entry, readable by every user. */
  script: string;
  remove(): void;
}

/** a+rX on everything under `path`, whatever the umask made of it. */
function shareTree(path: string): void {
  const st = statSync(path);
  if (st.isDirectory()) {
    chmodSync(path, 0o755);
    for (const name of readdirSync(path)) shareTree(join(path, name));
  } else {
    chmodSync(path, (st.mode & 0o777) | 0o444 | (st.mode & 0o100 ? 0o111 : 0));
  }
}

/** Bundles `entry` (relative to packages/rawsock) with a copy of `cap` into a new world-readable temp dir. */
export function shareHelper(entry: string): SharedHelper {
  const dir = mkdtempSync(join(tmpdir(), 'rawsock-shared-'));
  try {
    const script = bundleEntry(entry, dir);
    const capDir = dirname(createRequire(join(pkgDir, 'package.json')).resolve('cap/package.json'));
    for (const part of CAP_RUNTIME_PARTS) {
      const to = join(dir, 'node_modules/cap', part);
      mkdirSync(dirname(to), { recursive: true });
      cpSync(join(capDir, part), to, { recursive: true });
    }
    shareTree(dir);
    return { script, remove: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Runs `node script ...args` as nobody in a lab namespace and returns its stdout JSON lines.
 * Fails with the reason when nobody cannot run node, read the script or load `cap` from it
 * (for example a temp dir that is not world-traversable), or when the script prints no result.
 */
export async function runAsNobody(lab: Lab, host: LabHostName, script: string, args: string[]): Promise<unknown[]> {
  const check = await lab.exec(host, [
    ...AS_NOBODY,
    process.execPath,
    '-e',
    "require('fs').accessSync(process.argv[1], require('fs').constants.R_OK); require.resolve('cap', { paths: [require('path').dirname(process.argv[1])] })",
    script,
  ]);
  if (check.code !== 0) {
    throw new Error(
      `precondition failed: uid 65534 cannot run ${process.execPath}, read ${script} or load cap next to it (exit ${check.code}): ${check.stderr.trim()}`,
    );
  }
  const r = await lab.exec(host, [...AS_NOBODY, process.execPath, script, ...args]);
  const lines = r.stdout.trim() === '' ? [] : r.stdout.trim().split('\n');
  try {
    if (lines.length === 0) throw new Error('no output');
    return lines.map((l) => JSON.parse(l) as unknown);
  } catch (err) {
    throw new Error(`${script} run as uid 65534 printed no JSON result (${(err as Error).message}; exit ${r.code}); stdout: ${r.stdout.trim()}; stderr: ${r.stderr.trim()}`);
  }
}
