#!/usr/bin/env node
// Where the time goes in a V8 .cpuprofile (from `node --cpu-prof`): self time per function
// and per source file, as percentages of the sampled time.
//
//   node bench/lab/profile-summary.mjs FILE.cpuprofile [--top N]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: opt, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
const top = Number(opt.top);

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Self time per node from the sample stream: each sample is charged the delta to the next.
  const self = new Map();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    const dt = timeDeltas[i + 1] ?? 0;
    self.set(samples[i], (self.get(samples[i]) ?? 0) + dt);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fn = new Map();
  const files = new Map();
  for (const [id, us] of self) {
    const cf = byId.get(id).callFrame;
    const where = cf.url ? cf.url.replace(/^file:\/\/.*?\/(packages|apps|node_modules)\//, '$1/') : '';
    const name = `${cf.functionName || '(anonymous)'} ${where ? `${where}:${cf.lineNumber + 1}` : ''}`.trim();
    fn.set(name, (fn.get(name) ?? 0) + us);
    const fileKey = where || cf.functionName || '(native)';
    files.set(fileKey, (files.get(fileKey) ?? 0) + us);
  }
  const pct = (us) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
  console.log(`\n== ${file}: ${(total / 1e6).toFixed(2)} s sampled`);
  console.log('-- self time by function');
  for (const [name, us] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${name}`);
  console.log('-- self time by file');
  for (const [name, us] of [...files].sort((a, b) => b[1] - a[1]).slice(0, Math.min(top, 15))) console.log(`${pct(us)}  ${name}`);
}
