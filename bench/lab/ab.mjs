#!/usr/bin/env node
// Alternating A/B runs of bench/lab/run.mjs on a shared machine: each round runs every
// variant once, in turn, so slow minutes hit all variants alike; prints medians and spreads.
//
//   node bench/lab/ab.mjs --variants 'pcap:PAQET_BENCH_BACKEND=pcap;afpacket:PAQET_BENCH_BACKEND=afpacket' \
//        --rounds 5 [--out FILE] -- --phases aes --directions down --streams 1 --down-mb 100
//
// A variant whose env sets PAQET_AB_RUN=/other/tree/bench/lab/run.mjs runs that tree's build (before/after A/B).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { summarize } from './stats.mjs';

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const own = dash < 0 ? argv : argv.slice(0, dash);
const passThrough = dash < 0 ? [] : argv.slice(dash + 1);
const get = (name, dflt) => {
  const i = own.indexOf(`--${name}`);
  return i < 0 ? dflt : own[i + 1];
};
const variants = get('variants', '').split(';').filter(Boolean).map((v) => {
  const [name, envText = ''] = v.split(':');
  return { name, env: Object.fromEntries(envText.split(',').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])) };
});
const rounds = Number(get('rounds', '3'));
const out = get('out', null);
if (variants.length === 0) throw new Error('--variants "name:ENV=V,ENV=V;name2:..." is required');
const RUN = fileURLToPath(new URL('run.mjs', import.meta.url));
const dir = mkdtempSync(`${os.tmpdir()}/paqet-ab-`);
const rows = new Map(); // key -> { variant, key, mbps[], cpuClient[], cpuServer[] }
for (let round = 0; round < rounds; round++) {
  for (const v of variants) {
    const file = `${dir}/${v.name}-${round}.json`;
    const r = spawnSync(process.execPath, [v.env.PAQET_AB_RUN ?? RUN, '--prefix', `pqab${process.pid}`, '--out', file, ...passThrough], {
      env: { ...process.env, ...v.env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (r.status !== 0) console.error(`ab: ${v.name} round ${round} failed (${r.status})`);
    let res;
    try {
      res = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      continue;
    }
    const add = (key, mbps, cpu, rss) => {
      const k = `${v.name}\t${key}`;
      if (!rows.has(k)) rows.set(k, { variant: v.name, key, mbps: [], cpuClient: [], cpuServer: [], rssClient: [], rssServer: [] });
      const row = rows.get(k);
      row.mbps.push(mbps);
      if (cpu) {
        row.cpuClient.push(cpu.client);
        row.cpuServer.push(cpu.server);
      }
      if (rss) {
        row.rssClient.push(rss.client / 1e6);
        row.rssServer.push(rss.server / 1e6);
      }
    };
    for (const b of res.bulk) for (const run of b.runs) add(`${b.path} ${b.direction} x${b.streams}`, run.mbps, run.cpuPerGB, run.peakRss);
    for (const i of res.impairment) for (const run of i.runs) add(`impair ${i.path} ${i.rttAddedMs}ms ${i.lossPct}%${i.rateMbit ? ` ${i.rateMbit}Mbit` : ''}`, run.mbps);
    for (const l of res.latency) for (const run of l.runs) {
      add(`latency ${l.path} p50 ms`, run.p50);
      add(`latency ${l.path} p99 ms`, run.p99);
    }
  }
}
const fmt = (s) => (s.median === null ? '-' : `${s.median.toFixed(1)} [${s.min.toFixed(1)}-${s.max.toFixed(1)}] ±${s.spreadPct.toFixed(0)}%`);
const lines = ['| workload | variant | n | median [min-max] spread | client CPU s/GB | server CPU s/GB | client peak RSS MB | server peak RSS MB |', '|---|---|---|---|---|---|---|---|'];
const sorted = [...rows.values()].sort((a, b) => a.key.localeCompare(b.key) || variants.findIndex((v) => v.name === a.variant) - variants.findIndex((v) => v.name === b.variant));
for (const r of sorted) {
  const m = summarize(r.mbps);
  lines.push(`| ${r.key} | ${r.variant} | ${m.n} | ${fmt(m)} | ${r.cpuClient.length ? fmt(summarize(r.cpuClient)) : '-'} | ${r.cpuServer.length ? fmt(summarize(r.cpuServer)) : '-'} | ${r.rssClient.length ? fmt(summarize(r.rssClient)) : '-'} | ${r.rssServer.length ? fmt(summarize(r.rssServer)) : '-'} |`);
}
console.log(lines.join('\n'));
if (out) writeFileSync(out, JSON.stringify({ variants, rounds, passThrough, rows: sorted }, null, 2) + '\n');
