#!/usr/bin/env node
// Turns one bench-results/<stamp>/ directory into docs/PERFORMANCE.md + docs/performance.json.
//
//   node bench/report.mjs --dir bench-results/<stamp> --md FILE --json FILE [--seconds N]
//
// A part that this run skipped (--lab-only / --micro-only) is taken from the previous JSON
// at --json; so are the lab rows a run of some phases only (--phases) did not measure, each
// marked with the run it came from. The hand-written analysis comes from bench/notes.md and
// is appended verbatim.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: { dir: { type: 'string' }, md: { type: 'string' }, json: { type: 'string' }, seconds: { type: 'string' } },
});
const readJson = (f) => (existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : null);
const previous = readJson(opt.json) ?? {};

const micro = {};
for (const f of readdirSync(opt.dir).filter((n) => /^micro-.*\.json$/.test(n))) micro[f.slice(6, -5)] = readJson(`${opt.dir}/${f}`);
const lab = mergeLab(readJson(`${opt.dir}/lab.json`), previous.lab);
// @paqet/rawsock's veth benchmark (written there under `pnpm bench`): raw datagrams, no tunnel.
const rawCeiling = readJson(`${opt.dir}/raw-ceiling.json`);

/** A partial lab run plus the previous run's rows for what it did not measure (marked `from`). */
function mergeLab(now, before) {
  if (!now?.partial || !before) return now;
  const keys = {
    bulk: (r) => `${r.path}|${r.direction}|${r.streams}`,
    latency: (r) => r.path,
    idle: (r) => r.path,
    impairment: (r) => `${r.path}|${r.delayMs}|${r.lossPct}|${r.rateMbit ?? 0}`,
  };
  const merged = { ...now };
  for (const [section, key] of Object.entries(keys)) {
    const fresh = new Map((now[section] ?? []).map((r) => [key(r), r]));
    const rows = (before[section] ?? []).map((r) => fresh.get(key(r)) ?? { ...r, from: r.from ?? before.startedAt });
    for (const [k, r] of fresh) if (!(before[section] ?? []).some((b) => key(b) === k)) rows.push(r);
    merged[section] = rows;
  }
  merged.targets = (now.targets ?? []).map((t) => {
    const old = t.value === null ? before.targets?.find((b) => b.name === t.name && b.value !== null) : null;
    return old ? { ...old, from: old.from ?? before.startedAt } : t;
  });
  return merged;
}
const earlier = (row) => (row.from ? ' †' : '');
// The tree the numbers came from (the report is written right after the run).
const git = (...args) => {
  try {
    return execFileSync('git', args, { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
};
const dirty = git('status', '--porcelain', '--untracked-files=no');
const source = { commit: git('rev-parse', '--short', 'HEAD'), modifiedTrackedFiles: dirty === null ? null : dirty.split('\n').filter(Boolean).length };
const combined = {
  source,
  generatedAt: new Date().toISOString(),
  runSeconds: Number(opt.seconds ?? 0) || null,
  resultsDir: basename(opt.dir),
  lab: lab ?? previous.lab ?? null,
  labFrom: lab ? (lab.partial ? 'this run for the phases it ran, the previous run for the rest (marked †)' : 'this run') : previous.lab ? `previous run (${previous.lab.startedAt})` : 'none',
  micro: Object.keys(micro).length ? micro : previous.micro ?? {},
  microFrom: Object.keys(micro).length ? 'this run' : previous.micro ? `previous run (${previous.generatedAt})` : 'none',
  rawCeiling: rawCeiling ?? previous.rawCeiling ?? null,
  rawCeilingFrom: rawCeiling ? 'this run' : previous.rawCeiling ? `previous run (${previous.rawCeilingAt ?? previous.generatedAt})` : 'none',
  // The run that measured it (its results directory), kept when a later report reuses it.
  rawCeilingAt: rawCeiling ? basename(opt.dir) : previous.rawCeilingAt ?? previous.generatedAt ?? null,
};
writeFileSync(opt.json, JSON.stringify(combined, null, 2) + '\n');

/**
 * A raw-ceiling row in stream bytes: a full tunnel datagram less the crypto header (nonce 16 +
 * CRC 4) and KCP's segment header (24) carries stream data (smux's 8 bytes per 64 KiB frame
 * are left out). Gives that byte count, the row's stream MB/s and its sender + receiver CPU
 * seconds per GB of stream data.
 */
function inStreamBytes(R, r) {
  const userBytes = R.datagramBytes - 20 - 24;
  return {
    userBytes,
    mbps: (r.receivedPerSec.median * userBytes) / 1e6,
    cpuPerGB: ((r.senderCpuPerGB.median + r.receiverCpuPerGB.median) * R.datagramBytes) / userBytes,
  };
}

/**
 * The raw-packet ceiling for a LAN target (rawsock's veth benchmark, afpacket rows of the
 * target's direction: download = server -> client): the highest stream MB/s, or the lowest
 * sender + receiver CPU per GB of stream data. Null for other targets or without that benchmark.
 */
function rawCeilingFor(t) {
  const R = combined.rawCeiling;
  const m = /^(aes|null) (down|up)load/.exec(t.name);
  if (!R?.rows?.length || !m) return null;
  const rows = R.rows.filter((r) => r.backend === 'afpacket' && r.direction === (m[2] === 'down' ? 'server -> client' : 'client -> server'));
  if (!rows.length) return null;
  if (t.unit === 'MB/s') return `${f1(Math.max(...rows.map((r) => inStreamBytes(R, r).mbps)))} MB/s`;
  if (t.unit === 's/GB') return `${f1(Math.min(...rows.map((r) => inStreamBytes(R, r).cpuPerGB)))} s/GB`;
  return null;
}

// ---- formatting helpers
const f1 = (x) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const mb = (bytes) => f1(bytes / 1e6);
const range = (s) => (s && s.n > 1 ? `${f1(s.min)}–${f1(s.max)}` : '–');
const spread = (s) => (s && s.n > 1 ? `±${s.spreadPct.toFixed(0)}%` : '–');
const table = (head, rows) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

const L = combined.lab;
const out = [];
out.push('# Performance', '');
out.push(
  `Generated by \`pnpm bench\` (scripts/bench.sh, bench/) at ${combined.generatedAt}${combined.runSeconds ? ` in ${combined.runSeconds} s` : ''}. ` +
    `Do not edit by hand: the tables come from docs/performance.json, the analysis at the end from bench/notes.md. ` +
    `Lab results: ${combined.labFrom}; micro-benchmarks: ${combined.microFrom}. ` +
    (lab?.machine?.commitAtStart
      ? `Source at the start of the lab run: commit ${lab.machine.commitAtStart}${lab.machine.modifiedTrackedFilesAtStart ? ` plus ${lab.machine.modifiedTrackedFilesAtStart} modified tracked files` : ''}.`
      : `Source when the report was written: commit ${source.commit ?? '?'}${source.modifiedTrackedFiles ? ` plus ${source.modifiedTrackedFiles} modified tracked files` : ''}.`) +
    ' (`pnpm build` builds the working tree, including work in progress.)',
  '',
);

out.push(
  '## How to run',
  '',
  '`pnpm bench` (root; about 8 minutes here: build, micro-benchmarks, lab), `pnpm bench --quick` (one run each, small sizes, about 2 minutes; ' +
    'writes only bench-results/), `pnpm bench --lab-only`, `pnpm bench --micro-only`. Results: bench-results/<UTC stamp>/ ' +
    '(lab.json, micro-<package>.json, logs, daemon logs and configs under work/); bench-results/latest points at the last run.',
  '',
);

if (L) {
  const m = L.machine;
  out.push('## Machine', '');
  out.push(
    table(
      ['CPUs (nproc)', 'CPU model', 'Memory', 'Kernel', 'Node', 'Load average at start'],
      [[m.nproc, m.cpuModel, `${(m.memTotalMB / 1024).toFixed(1)} GiB`, m.kernel, m.node, m.loadAvgAtStart.join(' / ')]],
    ),
    '',
  );
  out.push('The machine is shared (other processes ran at the same time), so the spreads below are part of the result.', '');
  out.push('## Method', '');
  for (const [k, v] of Object.entries(L.method)) out.push(`- **${k}**: ${v}`);
  out.push(
    `- **sizes**: download ${mb(L.sizes.down)} MB, upload ${mb(L.sizes.up)} MB (8 streams: 1/8 each), capped at ${L.sizes.cap} s per transfer; ` +
      `${L.sizes.latency} requests per latency run; ${L.sizes.idle} idle streams; impairment download ${mb(L.sizes.impairDown)} MB capped at ${L.sizes.impairCap} s (a capped transfer counts the bytes it moved)${L.quick ? '; **quick mode**' : ''}`,
  );
  out.push('- **micro-benchmarks**: `turbo run bench --concurrency=1` per package (vitest bench, `--outputJson`); ops/s as vitest reports them', '');
  if (L.error) out.push(`**The lab run failed:** ${L.error}. Tables below hold what finished.`, '');
  if (L.partial) {
    const runs = [...new Set(['bulk', 'latency', 'idle', 'impairment', 'targets'].flatMap((s) => (L[s] ?? []).map((r) => r.from).filter(Boolean)))];
    out.push(
      `This run measured only the phases ${L.partial.phases.join(', ')}${L.partial.impairPaths.length ? ` (impairment: ${L.partial.impairPaths.join(', ')})` : ''}; ` +
        `rows marked † are from the earlier run started at ${runs.join(', ') || '–'}, on the machine and load of that run.`,
      '',
    );
  }

  if (L.targets) {
    out.push('## Targets', '');
    const ceilings = L.targets.map(rawCeilingFor);
    const withCeiling = ceilings.some((c) => c !== null);
    out.push(
      table(
        ['Target', 'Goal', 'Measured', 'Met', ...(withCeiling ? ['Raw-packet ceiling on this host'] : [])],
        L.targets.map((t, i) => [
          `${t.name}${earlier(t)}`,
          t.goal,
          t.value === null ? '–' : `${f1(t.value)} ${t.unit === 'ratio' ? '' : t.unit}`.trim(),
          t.met === null ? 'not measured' : t.met ? 'yes' : '**no**',
          ...(withCeiling ? [ceilings[i] ?? ''] : []),
        ]),
      ),
      '',
    );
    if (withCeiling) {
      out.push(
        'The last column is the best the raw sockets alone reach on this host (section "Raw-packet ceiling", afpacket, same direction): ' +
          'the most stream data per second, the least CPU per GB of it. A LAN target beyond it cannot be met here by any tunnel on these sockets.',
        '',
      );
    }
  }

  const beforeFile = new URL('./before.json', import.meta.url);
  const before = existsSync(beforeFile) ? JSON.parse(readFileSync(beforeFile, 'utf8')) : { bulk: {}, latency: {}, impairment: {} };
  const base = (dir, streams) => L.bulk.find((b) => b.path === 'baseline' && b.direction === dir && b.streams === streams)?.mbps.median;
  out.push('## Bulk transfer (MB/s = 10^6 B/s)', '');
  out.push(
    table(
      ['Path', 'Direction', 'Streams', 'Median MB/s', 'Before', 'Min–max', 'Spread', 'Of baseline', 'Client CPU s/GB (before)', 'Server CPU s/GB (before)', 'Peak RSS client / server MB'],
      L.bulk.map((b) => {
        const was = before.bulk[`${b.path} ${b.direction} ${b.streams}`];
        return [
          `${b.path}${earlier(b)}`,
          b.direction,
          b.streams,
          `**${f1(b.mbps.median)}**`,
          was ? f1(was.mbps) : '–',
          range(b.mbps),
          spread(b.mbps),
          b.path === 'baseline' ? '1' : `${((b.mbps.median / base(b.direction, b.streams)) * 100).toFixed(1)}%`,
          b.cpuPerGB ? `${f1(b.cpuPerGB.client.median)}${was?.cpu ? ` (${f1(was.cpu[0])})` : ''}` : '–',
          b.cpuPerGB ? `${f1(b.cpuPerGB.server.median)}${was?.cpu ? ` (${f1(was.cpu[1])})` : ''}` : '–',
          b.peakRss ? `${mb(b.peakRss.client)} / ${mb(b.peakRss.server)}` : '–',
        ];
      }),
    ),
    '',
  );
  if (L.bulk.some((b) => b.runs.some((r) => r.capped))) out.push('Some transfers hit the time cap; their rate counts the bytes moved before it.', '');

  if (L.latency.length) {
    out.push('## Request latency (fresh connection + small HTTP request)', '');
    out.push(
      table(
        ['Path', 'Requests per run', 'p50 ms (median of runs)', 'p50 min–max', 'p99 ms (median of runs)', 'p99 min–max', 'Before p50 / p99'],
        L.latency.map((l) => [
          `${l.path}${earlier(l)}`,
          l.count,
          `**${f1(l.p50.median)}**`,
          range(l.p50),
          f1(l.p99.median),
          range(l.p99),
          before.latency[l.path] ? `${f1(before.latency[l.path].p50)} / ${f1(before.latency[l.path].p99)}` : '–',
        ]),
      ),
      '',
    );
  }
  if (L.idle.length) {
    out.push('## Idle streams', '');
    out.push(
      table(
        ['Path', 'Streams open', 'Time to open ms', 'RSS before client / server MB', 'RSS with streams client / server MB'],
        L.idle.map((i) => [`${i.path}${earlier(i)}`, `${i.opened}/${i.streams}`, i.openMs, `${mb(i.rssBefore.client)} / ${mb(i.rssBefore.server)}`, `${mb(i.rssWith.client)} / ${mb(i.rssWith.server)}`]),
      ),
      '',
    );
  }
  if (L.impairment.length) {
    const samePath = (i, j) => j.delayMs === i.delayMs && (j.rateMbit ?? 0) === (i.rateMbit ?? 0);
    const lossless = (i) => L.impairment.find((j) => j.path === i.path && j.lossPct === 0 && samePath(i, j))?.mbps.median;
    const tcp = (i) => L.impairment.find((j) => j.path === 'baseline' && j.lossPct === i.lossPct && samePath(i, j))?.mbps.median;
    const cubic = (i) => L.impairment.find((j) => j.path === 'baseline-cubic' && j.lossPct === i.lossPct && samePath(i, j))?.mbps.median;
    out.push('## Impairment (download, 1 stream, through the wan relay)', '');
    out.push(
      table(
        ['Path', 'Added RTT ms', 'Bottleneck', 'Loss per direction', 'Median MB/s', 'Min–max', 'Of lossless (same RTT)', 'Of plain TCP (same impairment)', 'Of TCP CUBIC', 'Before MB/s (of TCP then)'],
        L.impairment.map((i) => {
          const was = i.rateMbit ? undefined : before.impairment[`${i.path} ${i.rttAddedMs} ${i.lossPct}`];
          const tcpWas = before.impairment[`baseline ${i.rttAddedMs} ${i.lossPct}`];
          return [
            `${i.path}${earlier(i)}`,
            i.rttAddedMs,
            i.rateMbit ? `${i.rateMbit} Mbit/s` : '–',
            `${i.lossPct}%`,
            `**${f1(i.mbps.median)}**`,
            range(i.mbps),
            `${((i.mbps.median / lossless(i)) * 100).toFixed(0)}%`,
            i.path === 'baseline' ? '1' : tcp(i) ? `**${(i.mbps.median / tcp(i)).toFixed(2)}x**` : '–',
            i.path === 'baseline-cubic' ? '1' : cubic(i) ? `${(i.mbps.median / cubic(i)).toFixed(2)}x` : '–',
            was === undefined ? '–' : i.path === 'baseline' || !tcpWas ? f1(was) : `${f1(was)} (${(was / tcpWas).toFixed(2)}x)`,
          ];
        }),
      ),
      '',
    );
  }
  for (const n of L.notes ?? []) out.push(`Note: ${n}`, '');
}

const R = combined.rawCeiling;
if (R?.rows?.length) {
  const { userBytes } = inStreamBytes(R, R.rows[0]);
  out.push('## Raw-packet ceiling (no tunnel)', '');
  out.push(
    `@paqet/rawsock's own benchmark (packages/rawsock/bench/veth-throughput.bench.ts, ${R.rounds} alternating rounds, ${combined.rawCeilingFrom}): ` +
      `${R.datagramsPerRun} datagrams of ${R.datagramBytes} bytes (the tunnel's full datagram) injected as fast as one JavaScript thread can, ` +
      `${R.batch} per event-loop turn, from one lab namespace to the other across the same veth link, and captured there; no KCP, smux, cipher or proxy. ` +
      `What the tunnel moves on the LAN cannot exceed this, and its CPU per byte cannot go below it. ` +
      `"User MB/s" counts the ${userBytes} bytes of a full datagram that carry stream data.`,
    '',
  );
  out.push(
    table(
      ['Backend', 'Direction', 'Kernel buffer', 'Datagrams/s', 'Received MB/s (min–max)', 'User MB/s', 'Sender CPU s/GB', 'Receiver CPU s/GB', 'Sender + receiver, per user GB', 'Loss (worst)'],
      R.rows.map((r) => [
        r.backend,
        r.direction,
        r.sockbuf,
        f1(r.receivedPerSec.median),
        `${f1(r.receivedMBps.median)} (${f1(r.receivedMBps.min)}–${f1(r.receivedMBps.max)})`,
        f1(inStreamBytes(R, r).mbps),
        f1(r.senderCpuPerGB.median),
        f1(r.receiverCpuPerGB.median),
        f1(inStreamBytes(R, r).cpuPerGB),
        `${r.maxLossPercent} %`,
      ]),
    ),
    '',
  );
}

const microEntries = Object.entries(combined.micro).filter(([, v]) => v?.files?.length);
if (microEntries.length) {
  out.push('## Micro-benchmarks', '');
  for (const [pkg, report] of microEntries) {
    out.push(`### ${pkg}`, '');
    const rows = [];
    for (const file of report.files) {
      for (const group of file.groups) {
        const groupName = group.fullName.replace(/^.*?bench\//, '');
        for (const b of group.benchmarks) rows.push([groupName, b.name, f1(b.hz), f1(b.mean), f1(b.p99), `±${b.rme.toFixed(1)}%`, b.sampleCount]);
      }
    }
    out.push(table(['Group', 'Benchmark', 'ops/s', 'mean ms', 'p99 ms', 'rme', 'samples'], rows), '');
  }
}

const notes = new URL('./notes.md', import.meta.url);
if (existsSync(notes)) out.push(readFileSync(notes, 'utf8').trim(), '');
writeFileSync(opt.md, out.join('\n'));
console.log(`wrote ${opt.md} and ${opt.json}`);
