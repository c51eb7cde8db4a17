#!/usr/bin/env node
/**
 * CPU cost of the whole session + smux pipeline in one process over the
 * testkit memory link (no kernel, no sockets): ms of CPU per MB moved, one
 * stream. With --block null this is almost entirely this package's JS + GC.
 *   node bench/memory-cpu.mjs --lib /tmp/kcp-prof/mem.js [--mb 50] [--block null|aes] [--wnd 1024] [--streams 1]
 * (--lib: an esbuild bundle of bench/memory-entry.ts, see build-profile-lib.sh)
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') && acc.push([a.slice(2), all[i + 1]]), acc), []));
const k = await import(pathToFileURL(resolve(args.lib ?? '/tmp/kcp-prof/mem.js')).href);
const MB = Number(args.mb ?? 50);
const block = args.block ?? 'null';
const wnd = Number(args.wnd ?? 1024);
const streams = Number(args.streams ?? 1);
const total = MB * 1e6;
const key = k.deriveKey('bench-key');
const link = k.createMemoryLinkPair({ seed: 1 });
const listener = k.createServer({ block, key, sndwnd: wnd, rcvwnd: wnd }).listen({ conn: link.b });
const kcp = k.connect({ conn: link.a, remote: link.bEndpoint, block, key, sndwnd: wnd, rcvwnd: wnd });
const chunk = Buffer.alloc(65536, 0x5a);
const c0 = process.cpuUsage();
const t0 = performance.now();
await new Promise((done) => {
  let got = 0;
  listener.on('session', (s) => k.SmuxSession.server(s).on('stream', (st) => st.on('data', (d) => (got += d.length) >= total && done())));
  const mux = k.SmuxSession.client(kcp);
  for (let i = 0; i < streams; i++) {
    const st = mux.openStream();
    let sent = 0;
    const pump = () => {
      while (sent < total / streams) {
        sent += chunk.length;
        if (!st.write(chunk)) return void st.once('drain', pump);
      }
    };
    pump();
  }
});
const c = process.cpuUsage(c0);
const ms = performance.now() - t0;
console.log(JSON.stringify({ block, wnd, streams, mb: MB, mbps: Number((MB / (ms / 1000)).toFixed(1)), cpuMsPerMB: Number(((c.user + c.system) / 1000 / MB).toFixed(2)) }));
process.exit(0);
