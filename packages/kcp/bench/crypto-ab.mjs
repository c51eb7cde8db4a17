#!/usr/bin/env node
/**
 * A/B of datagram seal (encrypt) and open (decrypt + CRC check) between two builds of
 * @paqet/kcp, alternating A and B in one process so machine noise hits both alike.
 *
 *   node bench/crypto-ab.mjs --a /tmp/kcp-old/dist --b dist
 *   options: --blocks aes,aes-128,aes-192,sm4,3des,none  --sizes 1400,100  --rounds 7  --ms 150
 *
 * Prints, per block, datagram size and operation, the median CPU ns per datagram of each build
 * with the min-max of the rounds, and B/A. Then the V8 heap bytes allocated per datagram.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Session } from 'node:inspector/promises';

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
const inspector = new Session();
inspector.connect();
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

/**
 * Bytes allocated on the V8 heap per call, from V8's sampling heap profiler keeping the
 * samples of objects already collected (every allocation of 32+ bytes is seen).
 * Off-heap: the ArrayBuffer backing stores node:crypto returns are not in it; they are
 * the update() output, one per datagram in both builds.
 */
async function heapBytesPerCall(fn, calls = 20000) {
  for (let i = 0; i < 2000; i++) fn();
  await inspector.post('HeapProfiler.startSampling', {
    samplingInterval: 32,
    includeObjectsCollectedByMinorGC: true,
    includeObjectsCollectedByMajorGC: true,
  });
  for (let i = 0; i < calls; i++) fn();
  const { profile } = await inspector.post('HeapProfiler.stopSampling');
  const total = (node) => (node.selfSize ?? 0) + node.children.reduce((sum, child) => sum + total(child), 0);
  return total(profile.head) / calls;
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
      for (const v of ['A', 'B']) alloc.push({ block, size, op, v, heap: await heapBytesPerCall(w[v][op]) });
    }
  }
}
console.log('\nV8 heap bytes allocated per datagram (a typed-array view is 96, a Buffer from update() 184)');
console.log('block      size  op      A     B');
for (let i = 0; i < alloc.length; i += 2) {
  const [a, b] = [alloc[i], alloc[i + 1]];
  console.log(`${a.block.padEnd(10)} ${String(a.size).padStart(4)}  ${a.op}  ${a.heap.toFixed(0).padStart(5)} ${b.heap.toFixed(0).padStart(5)}`);
}
