#!/usr/bin/env node
/** Top self-time functions of a .cpuprofile: node bench/profile-summary.mjs file.cpuprofile [top] */
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = prof.timeDeltas;
let total = 0;
for (let i = 0; i < prof.samples.length; i++) {
  const n = byId.get(prof.samples[i]);
  const d = dt[i] ?? 0;
  total += d;
  const cf = n.callFrame;
  const url = cf.url.split('/').slice(-2).join('/');
  // The owning package (…/packages/<name>/… or …/apps/<name>/…) goes in front so layers can tell them apart.
  const pkg = /\/(?:packages|apps)\/([^/]+)\//.exec(cf.url)?.[1];
  const key = `${cf.functionName || '(anon)'} ${pkg && pkg !== 'kcp' ? `[${pkg}] ` : ''}${url}:${cf.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + d);
}
const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 25));
console.log(`total ${(total / 1000).toFixed(0)} ms`);
for (const [k, v] of rows) console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${(v / 1000).toFixed(0).padStart(6)} ms  ${k}`);

// Self time by layer, so "what is ours" is visible at a glance.
const layer = (k) => {
  if (/^\(idle\)/.test(k)) return 'idle';
  if (/^\(garbage collector\)/.test(k)) return 'gc';
  if (/^\(program\)/.test(k)) return 'program (native, incl. syscalls)';
  if (/crypto\/|zlib|randomFill|Cipher|cipher|crc32|seal |open |encrypt |decrypt /.test(k)) return 'crypto';
  if (/dgram|udp|SendWrap|onMessage/.test(k)) return 'dgram';
  if (/streams\/|node:stream|Readable|Writable|Duplex|afterWrite|onwrite/.test(k)) return 'node streams';
  if (/events|task_queues|timers|async_hooks|nextTick/.test(k)) return 'node events/ticks/timers';
  if (/ \[[^\]]+\] /.test(k)) return `package ${/ \[([^\]]+)\] /.exec(k)[1]}`;
  if (/index\.js|\.ts:|kcp-prof/.test(k)) return 'kcp package JS';
  return 'other node internals';
};
const layers = new Map();
for (const [k, v] of self) layers.set(layer(k), (layers.get(layer(k)) ?? 0) + v);
console.log('-- by layer');
for (const [k, v] of [...layers.entries()].sort((a, b) => b[1] - a[1])) console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${(v / 1000).toFixed(0).padStart(6)} ms  ${k}`);
