#!/usr/bin/env node
/**
 * Request latency through KcpSession + smux over loopback UDP (aes, mode fast):
 * open a fresh stream, write a small request, wait for the server's reply.
 *   node bench/loopback-latency.mjs --lib <bundle> [--n 40] [--gap 30 (random pause up to 5+gap ms; 0 = none)]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') && acc.push([a.slice(2), all[i + 1]]), acc), []));
const k = await import(pathToFileURL(resolve(args.lib ?? '../dist/index.js')).href);
const N = Number(args.n ?? 40);
const gap = Number(args.gap ?? 30);
const key = 'bench-key';
const listener = k.createServer({ block: 'aes', key, mode: 'fast' });
await new Promise((r) => listener.listen(0, '127.0.0.1', r));
listener.on('session', (s) =>
  // A relay-like server: the reply comes a moment after the request (target connect).
  k.SmuxSession.server(s).on('stream', (st) => st.once('data', () => setTimeout(() => st.end(Buffer.alloc(2000, 1)), 1))),
);
const kcp = k.connect({ host: '127.0.0.1', port: listener.address().port, block: 'aes', key, mode: 'fast', sndwnd: 128, rcvwnd: 512 });
await new Promise((r) => kcp.once('connect', r));
const mux = k.SmuxSession.client(kcp);
const times = [];
for (let i = 0; i < N; i++) {
  const t0 = performance.now();
  const st = mux.openStream();
  st.write(Buffer.alloc(100, 2));
  await new Promise((r) => {
    let got = 0;
    st.on('data', (d) => (got += d.length) >= 2000 && r());
  });
  times.push(performance.now() - t0);
  st.destroy();
  // --gap 0: the next request starts at once, as the lab's sequential client does.
  if (gap !== 0) await new Promise((r) => setTimeout(r, 5 + Math.random() * gap));
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({ n: N, p50: Number(times[N >> 1].toFixed(1)), p90: Number(times[Math.floor(N * 0.9)].toFixed(1)) }));
process.exit(0);
