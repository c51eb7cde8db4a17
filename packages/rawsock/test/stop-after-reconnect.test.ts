/**
 * Issue 16: a client stopped with SIGTERM after it had reconnected died with SIGSEGV or
 * "free(): invalid size". cap 0.2.1 only stopped the libuv poll handle inside its native
 * object; once the garbage collector freed a closed object, closing a neighbouring handle
 * wrote into freed memory. And the finaliser of that object emitted its async_hooks
 * destroy through the current context, which a collection started by an allocation may
 * not have (SIGSEGV in the middle of traffic). Here a process reconnects (closes and
 * reopens raw sockets, with real echoed datagrams through the lab), waits until the closed
 * sockets are collected (by gc() after each close, or by collections that allocations
 * start), is stopped with SIGTERM and must exit 0 with no poll handle left, RUNS times.
 *
 * glibc's per-thread cache is turned off in the child so that a write into freed memory
 * lands in allocator metadata and aborts at once instead of corrupting silently.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labSkipReason, startLabFixture, type LabFixture } from './helpers/lab-fixture.js';
import type { RemotePacketConn } from './helpers/remote-conn.js';
import { bundleEntry } from './helpers/bundle.js';

const RUNS = Number(process.env.RAWSOCK_STOP_RUNS ?? 16);
const RECONNECTS = 3;
const ECHO_PORT = 45200;
/** Generous: a run takes about a second; a loaded 2-core machine may need many. */
const RUN_TIMEOUT_MS = 60_000;

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Poll handles libuv still had after every close completed (-1: no report printed). */
  pollHandles: number;
}

function collectOutput(child: ChildProcess): { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  return { stdout: () => out, stderr: () => err };
}

describe.skipIf(labSkipReason !== null)('stop after reconnect (namespace lab)', () => {
  let f: LabFixture;
  let echo: RemotePacketConn;

  beforeAll(async () => {
    f = await startLabFixture('sr');
    echo = await f.server.open(f.serverOptions(ECHO_PORT));
    echo.onDatagram((d, from) => echo.send(d, from));
  });
  afterAll(async () => {
    await f?.stop();
  });

  async function runOnce(script: string, nodeFlags: string[], gc: 'forced' | 'allocation'): Promise<RunResult> {
    const config = {
      options: f.clientOptions(0, { ipv6: undefined, sockbuf: 1 << 20 }),
      peer: { address: f.lab.server.link.ipv4, port: ECHO_PORT },
      reconnects: RECONNECTS,
      gc,
    };
    const child = f.lab.spawn('client', [process.execPath, ...nodeFlags, script, JSON.stringify(config)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GLIBC_TUNABLES: 'glibc.malloc.tcache_count=0' },
    });
    const out = collectOutput(child);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const killer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    const onData = () => {
      if (out.stdout().includes('ready\n')) {
        child.stdout!.off('data', onData);
        child.kill('SIGTERM');
      }
    };
    child.stdout!.on('data', onData);
    const { code, signal } = await exited;
    clearTimeout(killer);
    const handles = /^handles (.*)$/m.exec(out.stdout());
    const pollHandles = handles ? (JSON.parse(handles[1]!) as { type: string }[]).filter((h) => h.type === 'poll').length : -1;
    return { code, signal, stdout: out.stdout(), stderr: out.stderr(), pollHandles };
  }

  it(
    `a process that reconnected ${RECONNECTS} times exits 0 on SIGTERM with no capture handle left, ${RUNS} runs, under GC pressure`,
    async () => {
      const script = bundleEntry('test/helpers/reconnect-and-stop.ts');
      const results: (RunResult & { mode: string })[] = [];
      for (let i = 0; i < RUNS; i++) {
        // Runs alternate: gc() after each close and every 10 ms, or only the collections that
        // allocations start; half of each kind also collect every 2000 allocations.
        const gc = i % 2 === 0 ? 'forced' : 'allocation';
        const flags = i % 4 >= 2 ? ['--expose-gc', '--gc-interval=2000'] : ['--expose-gc'];
        results.push({ ...(await runOnce(script, flags, gc)), mode: `${gc} ${flags.join(' ')}` });
      }
      const bad = results
        .map((r, i) => ({ run: i, ...r }))
        .filter((r) => r.code !== 0 || r.signal !== null || r.pollHandles !== 0 || !/^stats /m.test(r.stdout));
      const summary = bad
        .map((r) => `run ${r.run} (${r.mode}): exit ${r.code} signal ${r.signal} poll handles ${r.pollHandles}\nstdout: ${r.stdout.slice(-300)}\nstderr: ${r.stderr.slice(-300)}`)
        .join('\n');
      console.log(`stop-after-reconnect: ${RUNS - bad.length}/${RUNS} runs exited 0 with no poll handle left`);
      expect(bad.length, summary).toBe(0);
    },
    RUNS * RUN_TIMEOUT_MS,
  );
});
