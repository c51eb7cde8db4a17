#!/usr/bin/env node
/**
 * A/B of datagram seal (encrypt) and open (decrypt + CRC check) between two builds of
 * @paqet/kcp, alternating A and B in one process so machine noise hits both alike.
 *
 *   node bench/crypto-ab.mjs --a /tmp/kcp-old/dist --b dist
 *   options: --blocks aes,aes-128,aes-192,sm4,3des,none  --sizes 1400,100  --rounds 7  --ms 150
 *
 * Prints, per block, datagram size and operation, the median CPU ns per datagram of each build
 * with the min-max of the rounds, and B/A. Then the bytes allocated per datagram: V8 heap
 * (new space, measured with scavenges kept away) and off-heap ArrayBuffer memory.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

if (typeof globalThis.gc !== 'function') {
  // Re-run with a big new space (no scavenge during the allocation count) and gc exposed.
  const flags = ['--expose-gc', '--max-semi-space-size=128', '--min-semi-space-size=128'];
  const run = spawnSync(process.execPath, [...flags, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(run.status ?? 1);
}

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => {
    if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : 'true']);
    return acc;
  }, []),
);
// `none` is the envelope alone (nonce, CRC, no cipher): the floor under every row.
const blocks = (args.blocks ?? 'aes,aes-128,aes-192,sm4,3des,none').split(',');
const sizes = (args.sizes ?? '1400,100').split(',').map(Number);
const rounds = Number(args.rounds ?? 7);
const sliceMs = Number(args.ms ?? 150);
const load = async (dir) => import(pathToFileURL(resolve(dir, 'crypto.js')).href);
const builds = { A: await load(args.a ?? '/tmp/kcp-old/dist'), B: await load(args.b ?? 'dist') };
const dkey = new Uint8Array(32).map((_, i) => i * 7 + 1);

/** seal and open closures over one cipher of a build, for one datagram size. */
function workload(build, block, size) {
  const cipher = build.createDatagramCipher(block, dkey);
  const payload = size - cipher.headerSize - cipher.trailerSize;
  const buf = new Uint8Array(1500).map((_, i) => i);
  // A captured datagram sits 66 bytes into a frame: open at that (unaligned) offset.
  const frame = new Uint8Array(66 + size);
  const first = buf.slice();
  const sealed = first.slice(0, cipher.seal(first, payload));
  const work = frame.subarray(66, 66 + size);
  return {
    seal: () => cipher.seal(buf, payload),
    open: () => {
      work.set(sealed);
      if (typeof cipher.open(work) === 'string') throw new Error(`${block}: open failed`);
    },
  };
}

/**
 * CPU ns per call over about `ms` milliseconds of wall time. CPU time (this process, GC
 * threads included) rather than wall time: on a shared machine the wall clock also counts
 * the time other jobs hold the core.
 */
function timeSlice(fn, ms) {
  let calls = 0;
  const end = process.hrtime.bigint() + BigInt(ms * 1e6);
  const cpu0 = process.cpuUsage();
  do {
    for (let i = 0; i < 200; i++) fn();
    calls += 200;
  } while (process.hrtime.bigint() < end);
  const cpu = process.cpuUsage(cpu0);
  return ((cpu.user + cpu.system) * 1000) / calls;
}

let gcCount = 0;
new PerformanceObserver((list) => (gcCount += list.getEntries().length)).observe({ entryTypes: ['gc'] });
const settle = () => new Promise((done) => setTimeout(done, 20));

/**
 * Bytes per call on the V8 heap (all spaces: hot sites get pretenured) and off-heap (ArrayBuffer backing stores),
 * over a stretch with no GC in it (retried shorter if one happened: it would hide bytes).
 */
async function allocationPerCall(fn, calls = 2000) {
  for (let i = 0; i < 200; i++) fn();
  for (; calls >= 25; calls >>= 1) {
    globalThis.gc();
    await settle();
    const before = gcCount;
    const sample = measureAllocation(fn, calls);
    await settle();
    if (gcCount === before) return sample;
  }
  return { heap: NaN, offHeap: NaN };
}

function measureAllocation(fn, calls) {
  const heap0 = v8.getHeapStatistics().used_heap_size;
  const ab0 = process.memoryUsage().arrayBuffers;
  for (let i = 0; i < calls; i++) fn();
  const heap1 = v8.getHeapStatistics().used_heap_size;
  const ab1 = process.memoryUsage().arrayBuffers;
  return { heap: (heap1 - heap0) / calls, offHeap: (ab1 - ab0) / calls };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const fmt = (xs) => `${median(xs).toFixed(0).padStart(6)} [${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}]`;

console.log(`A = ${args.a ?? '/tmp/kcp-old/dist'}  B = ${args.b ?? 'dist'}  rounds ${rounds} x ${sliceMs} ms, CPU ns per datagram: median [min-max]`);
console.log('block      size  op    A                    B                    B/A');
const alloc = [];
for (const block of blocks) {
  for (const size of sizes) {
    const w = { A: workload(builds.A, block, size), B: workload(builds.B, block, size) };
    for (const op of ['seal', 'open']) {
      const ns = { A: [], B: [] };
      for (const v of ['A', 'B']) timeSlice(w[v][op], sliceMs / 2); // warm both
      for (let r = 0; r < rounds; r++) {
        for (const v of r % 2 ? ['B', 'A'] : ['A', 'B']) ns[v].push(timeSlice(w[v][op], sliceMs));
      }
      const ratio = median(ns.B) / median(ns.A);
      console.log(`${block.padEnd(10)} ${String(size).padStart(4)}  ${op}  ${fmt(ns.A).padEnd(20)} ${fmt(ns.B).padEnd(20)} ${ratio.toFixed(2)}`);
      for (const v of ['A', 'B']) alloc.push({ block, size, op, v, ...(await allocationPerCall(w[v][op])) });
    }
  }
}
console.log('\nbytes allocated per datagram (V8 heap / off-heap ArrayBuffers; ~100 bytes per typed-array view)');
console.log('block      size  op    A              B');
for (let i = 0; i < alloc.length; i += 2) {
  const [a, b] = [alloc[i], alloc[i + 1]];
  const cell = (x) => `${x.heap.toFixed(0)} / ${x.offHeap.toFixed(0)}`.padEnd(14);
  console.log(`${a.block.padEnd(10)} ${String(a.size).padStart(4)}  ${a.op}  ${cell(a)} ${cell(b)}`);
}
