/**
 * What a running process costs, from /proc (Linux): resident memory now and at its peak,
 * open file descriptors, and the RSS trend of a sampled run (MB per minute after warmup).
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcMemory {
  /** VmRSS in bytes. */
  rss: number;
  /** VmHWM in bytes: the peak RSS since the process started. */
  peakRss: number;
}

export function readProcMemory(pid: number): ProcMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!m) throw new Error(`/proc/${pid}/status has no ${key}`);
    return Number(m[1]) * 1024;
  };
  return { rss: kb('VmRSS'), peakRss: kb('VmHWM') };
}

/** Entries in /proc/PID/fd. */
export function countOpenFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

export interface ProcSample {
  /** ms since the sampling started. */
  atMs: number;
  rss: number;
  fds: number;
}

/** Least-squares slope of RSS over the samples taken after `warmupMs`, in MB (10^6 bytes) per minute. */
export function rssSlopeMbPerMinute(samples: readonly ProcSample[], warmupMs: number): number {
  const s = samples.filter((x) => x.atMs >= warmupMs);
  if (s.length < 2) return 0;
  const n = s.length;
  const mx = s.reduce((a, x) => a + x.atMs, 0) / n;
  const my = s.reduce((a, x) => a + x.rss, 0) / n;
  let num = 0;
  let den = 0;
  for (const x of s) {
    num += (x.atMs - mx) * (x.rss - my);
    den += (x.atMs - mx) ** 2;
  }
  return den === 0 ? 0 : ((num / den) * 60_000) / 1e6;
}

/** Samples a process every `everyMs` until stopped; a vanished process ends the sampling. */
export class ProcSampler {
  readonly samples: ProcSample[] = [];
  private readonly started = Date.now();
  private readonly timer: NodeJS.Timeout;

  constructor(readonly pid: number, everyMs: number) {
    this.take();
    this.timer = setInterval(() => this.take(), everyMs);
  }

  take(): void {
    try {
      const { rss } = readProcMemory(this.pid);
      this.samples.push({ atMs: Date.now() - this.started, rss, fds: countOpenFds(this.pid) });
    } catch {
      clearInterval(this.timer);
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
