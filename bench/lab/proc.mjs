// Child processes and /proc readings for the lab benchmark.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const CLK_TCK = 100; // USER_HZ on Linux; /proc/<pid>/stat counts in these ticks

/** Runs a command to completion; never rejects (the caller looks at code). */
export function run(cmd, args, { timeoutMs = 0, input } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = timeoutMs ? setTimeout(() => child.kill('SIGKILL'), timeoutMs) : undefined;
    child.on('error', (err) => (stderr += String(err)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), signal, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

/** Runs a command and fails loudly when it does not exit 0. */
export async function mustRun(cmd, args, opts) {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr.trim().slice(0, 500)}`);
  return r;
}

/** Seconds of CPU (user + system) the process has used so far. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** VmRSS and VmHWM (peak since start or since the last resetPeakRss) in bytes. */
export function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') * 1024, peakRss: kb('VmHWM') * 1024 };
}

/** Resets the process's peak RSS to its current RSS (Linux >= 4.0, clear_refs value 5). */
export function resetPeakRss(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // Older kernels: the peak then covers the whole process life, which the report says.
  }
}

/** Snapshot of a set of named processes, for deltas around a workload. */
export function snapshot(pids) {
  const out = {};
  for (const [name, pid] of Object.entries(pids)) out[name] = { cpu: cpuSeconds(pid), ...memory(pid) };
  return out;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
