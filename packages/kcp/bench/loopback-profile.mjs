#!/usr/bin/env node
/**
 * One smux stream over KcpSession over loopback UDP, aes, as paqet runs it.
 * Measures MB/s; run each role in its own process so `node --cpu-prof` gives
 * one profile per side.
 *
 *   node bench/loopback-profile.mjs                 # spawns server + client, prints MB/s
 *   node bench/loopback-profile.mjs --prof          # same, with --cpu-prof into /tmp/kcp-prof/profiles (--profdir)
 *   options: --mb 200  --dir up|down  --wnd paqet|1024|N  --block aes|null  --mode fast  --streams 1
 *            --lib <path to built index.js> (default ../dist/index.js)
 *
 * up = client (dialer) sends to server; down = server sends to client.
 * Windows: paqet = client 128/512, server 1024/1024; a number sets both sides.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';

const here = dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => {
    if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : 'true']);
    return acc;
  }, []),
);
const MB = Number(args.mb ?? 200);
const dir = args.dir ?? 'up';
const wnd = args.wnd ?? 'paqet';
const block = args.block ?? 'aes';
const mode = args.mode ?? 'fast';
const lib = resolve(here, args.lib ?? '../dist/index.js');
const key = 'bench-key';
const total = MB * 1e6;
const streams = Number(args.streams ?? 1);
const perStream = Math.ceil(total / streams);
const windows =
  wnd === 'paqet'
    ? { client: { sndwnd: 128, rcvwnd: 512 }, server: { sndwnd: 1024, rcvwnd: 1024 } }
    : { client: { sndwnd: Number(wnd), rcvwnd: Number(wnd) }, server: { sndwnd: Number(wnd), rcvwnd: Number(wnd) } };

const chunk = Buffer.alloc(65536, 0x5a);

/** Write this stream's share of `total` with backpressure, then end it. */
function pump(stream) {
  cpuStart ??= process.cpuUsage();
  let sent = 0;
  const go = () => {
    while (sent < perStream) {
      const n = Math.min(chunk.length, perStream - sent);
      sent += n;
      if (!stream.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void stream.once('drain', go);
    }
    stream.end();
  };
  go();
}

/** Count bytes over all streams until `total`; report timing to the parent (or stdout). */
let got = 0;
let t0 = 0;
function sink(stream, done) {
  stream.on('data', (d) => {
    if (t0 === 0) {
      t0 = performance.now();
      cpuStart ??= process.cpuUsage();
    }
    got += d.length;
    if (got >= total) {
      const ms = performance.now() - t0;
      done({ bytes: got, ms, mbps: got / 1e6 / (ms / 1000) });
    }
  });
}

async function server(k) {
  const listener = k.createServer({ block, key, mode, ...windows.server });
  await new Promise((r) => listener.listen(0, '127.0.0.1', r));
  listener.on('session', (s) => {
    kcpSession = s;
    k.SmuxSession.server(s).on('stream', (st) => {
      if (dir === 'up') sink(st, finish);
      else pump(st);
    });
  });
  return listener;
}

async function client(k, port) {
  const kcp = k.connect({ host: '127.0.0.1', port, block, key, mode, ...windows.client });
  await new Promise((r) => kcp.once('connect', r));
  kcpSession = kcp;
  const mux = k.SmuxSession.client(kcp);
  for (let i = 0; i < streams; i++) {
    const st = mux.openStream();
    if (dir === 'up') pump(st);
    else {
      st.write('go'); // the server only learns of the stream from a frame
      sink(st, finish);
    }
  }
  return kcp;
}

let kcpSession = null;
let cpuStart = null;
/** CPU ms (user + system) this process spent since the transfer began. */
function cpuMs() {
  if (!cpuStart) return 0;
  const u = process.cpuUsage(cpuStart);
  return Math.round((u.user + u.system) / 1000);
}
/** Retransmission / drop counters of this side's session, for --stats. */
function statsLine(side) {
  const st = kcpSession?.stats();
  if (!st) return null;
  return { side, dgIn: st.datagramsIn, dgOut: st.datagramsOut, segOut: st.segmentsOut, rtx: st.retransmissions, dup: st.duplicateSegments, srtt: st.srttMs, rto: st.rtoMs };
}

function finish(r) {
  r.cpuMs = cpuMs();
  if (args.stats) r.stats = statsLine(role);
  if (process.send) process.send({ result: r });
  else console.log(JSON.stringify(r));
  setTimeout(() => process.exit(0), 50);
}

const role = args.role;
if (role === 'server') {
  const k = await import(pathToFileURL(lib).href);
  const l = await server(k);
  process.send({ port: l.address().port });
  process.on('message', (m) => {
    if (m === 'exit') {
      if (args.stats) console.log(JSON.stringify(statsLine('server')));
      process.send({ cpuMs: cpuMs() }, () => process.exit(0));
    }
  });
} else if (role === 'client') {
  const k = await import(pathToFileURL(lib).href);
  await client(k, Number(args.port));
  process.on('message', (m) => {
    if (m === 'exit') {
      if (args.stats) console.log(JSON.stringify(statsLine('client')));
      process.send({ cpuMs: cpuMs() }, () => process.exit(0));
    }
  });
} else {
  // Parent: one process per side.
  const profDir = args.profdir ?? '/tmp/kcp-prof/profiles';
  const execArgv = args.prof ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
  if (args.prof) mkdirSync(profDir, { recursive: true });
  const pass = [...(args.stats ? ['--stats'] : []), '--streams', String(streams), '--mb', String(MB), '--dir', dir, '--wnd', wnd, '--block', block, '--mode', mode, '--lib', lib];
  const self = fileURLToPath(import.meta.url);
  const srv = spawn(process.execPath, [...execArgv, self, '--role', 'server', ...pass], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise((r) => srv.once('message', (m) => r(m.port)));
  const cli = spawn(process.execPath, [...execArgv, self, '--role', 'client', '--port', String(port), ...pass], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const receiver = dir === 'up' ? srv : cli;
  const other = dir === 'up' ? cli : srv;
  const timeout = setTimeout(() => {
    console.log(JSON.stringify({ dir, wnd, block, error: 'timeout' }));
    srv.kill();
    cli.kill();
  }, Number(args.timeout ?? 60) * 1000);
  receiver.on('message', (m) => {
    if (!m.result) return;
    clearTimeout(timeout);
    const line = { dir, wnd, block, mode, streams, mb: MB, mbps: Number(m.result.mbps.toFixed(1)), ms: Math.round(m.result.ms), rxCpuMs: m.result.cpuMs };
    other.once('message', (o) => {
      // CPU per MB moved: steadier than MB/s on a shared machine.
      line.txCpuMs = o.cpuMs;
      line.txUsPerMB = Math.round((o.cpuMs * 1000) / MB);
      line.rxUsPerMB = Math.round((line.rxCpuMs * 1000) / MB);
      console.log(JSON.stringify(line));
      if (m.result.stats) console.log(JSON.stringify(m.result.stats));
    });
    other.send('exit');
  });
}
