/**
 * Throughput of the raw PacketConns (afpacket and pcap) across a veth pair between two lab
 * namespaces: 1350-byte datagrams (the tunnel's full size) blasted one way at full speed, for kernel buffers of 32 MiB
 * and 256 MiB, each direction; prints datagrams/s and MB/s sent and received, the loss, and
 * each side's CPU seconds per 10^9 bytes. This is the ceiling under the tunnel: KCP, smux,
 * the proxy and the local sockets only add to it.
 * Plus the per-packet JavaScript costs (frame assembly, inbound decode) in-process.
 *
 *   cd packages/rawsock && npx vitest bench --run   (needs root for the lab part)
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { bench, describe } from 'vitest';
import { InboundDecoder, PaqetEnvelope } from '@paqet/wire';
import { labUnavailableReason, startLab, type Lab } from '@paqet/testkit';
import { afPacketAvailable, type RawBackend } from '../src/index.js';
import { bundleEntry } from '../test/helpers/bundle.js';

const COUNT = Number(process.env.RAWSOCK_BENCH_COUNT ?? 200_000);
/** The tunnel's full datagram: KCP's default mtu of 1350 (crypto header included). */
const SIZE = 1350;
const BATCH = 64;
const resultsDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../bench-results');

const BACKENDS: readonly RawBackend[] = afPacketAvailable() ? ['afpacket', 'pcap'] : ['pcap'];

interface Row {
  backend: RawBackend;
  direction: string;
  sockbuf: string;
  sentPerSec: number;
  receivedPerSec: number;
  sentMBps: number;
  receivedMBps: number;
  lossPercent: number;
  /** CPU seconds (user + system) per 10^9 bytes of datagram payload, sender and receiver. */
  senderCpuPerGB: number;
  receiverCpuPerGB: number;
}

async function blast(lab: Lab, script: string, backend: RawBackend, from: 'client' | 'server', sockbuf: number): Promise<Row> {
  const to = from === 'client' ? 'server' : 'client';
  const port = (h: string) => (h === 'client' ? 40000 : 9999);
  const recv = spawn('ip', ['netns', 'exec', lab[to].ns, process.execPath, script, 'recv', backend, lab[to].link.interface, lab[to].link.ipv4, String(port(to)), lab[to].peerMac, String(sockbuf)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: recv.stdout! })[Symbol.asyncIterator]();
  await lines.next(); // "ready"
  const sender = spawn(
    'ip',
    ['netns', 'exec', lab[from].ns, process.execPath, script, 'send', backend, lab[from].link.interface, lab[from].link.ipv4, String(port(from)), lab[from].peerMac, String(1 << 20), lab[to].link.ipv4, String(port(to)), String(COUNT), String(SIZE), String(BATCH)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let sentOut = '';
  for await (const chunk of sender.stdout!) sentOut += chunk;
  const sent = JSON.parse(sentOut) as { sent: number; seconds: number; cpuSeconds: number };
  await new Promise((r) => setTimeout(r, 500));
  recv.stdin!.end('stop\n');
  const got = JSON.parse((await lines.next()).value as string) as { received: number; bytes: number; seconds: number; cpuSeconds: number };
  return {
    backend,
    direction: `${from} -> ${to}`,
    sockbuf: `${sockbuf >> 20} MiB`,
    sentPerSec: Math.round(sent.sent / sent.seconds),
    receivedPerSec: Math.round(got.received / got.seconds),
    sentMBps: +((sent.sent * SIZE) / sent.seconds / 1e6).toFixed(1),
    receivedMBps: +(got.bytes / got.seconds / 1e6).toFixed(1),
    lossPercent: +((100 * (sent.sent - got.received)) / sent.sent).toFixed(3),
    senderCpuPerGB: +(sent.cpuSeconds / ((sent.sent * SIZE) / 1e9)).toFixed(2),
    receiverCpuPerGB: +(got.cpuSeconds / (got.bytes / 1e9)).toFixed(2),
  };
}

const labReason = labUnavailableReason();
const REPEATS = Number(process.env.RAWSOCK_BENCH_REPEATS ?? 3);

interface Stat {
  median: number;
  min: number;
  max: number;
}
const stat = (xs: number[]): Stat => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { median: s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2, min: s[0]!, max: s[s.length - 1]! };
};

/** One configuration's runs: medians with min and max. */
function summarize(runs: Row[]) {
  const r = runs[0]!;
  return {
    backend: r.backend,
    direction: r.direction,
    sockbuf: r.sockbuf,
    runs: runs.length,
    receivedMBps: stat(runs.map((x) => x.receivedMBps)),
    receivedPerSec: stat(runs.map((x) => x.receivedPerSec)),
    senderCpuPerGB: stat(runs.map((x) => x.senderCpuPerGB)),
    receiverCpuPerGB: stat(runs.map((x) => x.receiverCpuPerGB)),
    maxLossPercent: Math.max(...runs.map((x) => x.lossPercent)),
  };
}

describe.skipIf(labReason !== null)('veth throughput (lab)', () => {
  bench(
    'blast 1350-byte datagrams both directions, 32 and 256 MiB, each backend',
    async () => {
      const configs = BACKENDS.flatMap((backend) =>
        [32 << 20, 256 << 20].flatMap((sockbuf) => (['client', 'server'] as const).map((from) => ({ backend, sockbuf, from }))),
      );
      // Rounds alternate the configurations, so a busy spell of the shared host hits all alike.
      const runs: Row[][] = configs.map(() => []);
      const lab = await startLab(`rsb${process.pid}`);
      try {
        const script = bundleEntry('bench/blast-agent.ts');
        for (let round = 0; round < REPEATS; round++) {
          for (const [i, c] of configs.entries()) runs[i]!.push(await blast(lab, script, c.backend, c.from, c.sockbuf));
        }
      } finally {
        await lab.stop();
      }
      const summary = runs.map(summarize);
      // vitest bench shows no console output from here; the table goes to files and stderr.
      const text =
        [
          `${COUNT} datagrams of ${SIZE} bytes per run, sender yields every ${BATCH}; ${REPEATS} alternating rounds; medians [min-max]`,
          ...summary.map(
            (r) =>
              `${r.backend.padEnd(8)} ${r.direction.padEnd(16)} ${r.sockbuf.padStart(7)}: ${r.receivedMBps.median.toFixed(1)} MB/s ` +
              `[${r.receivedMBps.min.toFixed(1)}-${r.receivedMBps.max.toFixed(1)}], CPU s/GB sender ${r.senderCpuPerGB.median.toFixed(2)} ` +
              `receiver ${r.receiverCpuPerGB.median.toFixed(2)}, loss <= ${r.maxLossPercent} %`,
          ),
        ].join('\n') + '\n';
      mkdirSync(resultsDir, { recursive: true });
      writeFileSync(join(resultsDir, 'rawsock-veth.txt'), text);
      // Under `pnpm bench`, the run's directory gets the numbers for docs/PERFORMANCE.md.
      const outDir = process.env.PAQET_BENCH_OUT_DIR;
      if (outDir) {
        const json = { datagramBytes: SIZE, datagramsPerRun: COUNT, batch: BATCH, rounds: REPEATS, rows: summary };
        writeFileSync(join(outDir, 'raw-ceiling.json'), JSON.stringify(json, null, 2) + '\n');
      }
      process.stderr.write(text);
    },
    { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 },
  );
});

describe('per-packet JavaScript cost', () => {
  const envelope = new PaqetEnvelope({ localMac: '02:50:51:00:01:01', routerMacV4: '02:50:51:00:01:02', localIpv4: '10.200.1.1', localPort: 40000 });
  const out = new Uint8Array(2000);
  const payload = new Uint8Array(SIZE).fill(0x5a);
  const to = { address: '10.200.1.2', port: 9999 };
  const frameLength = envelope.assemble(out, payload, to);
  const frame = out.slice(0, frameLength);
  const decoder = new InboundDecoder();
  bench('assemble one 1400-byte frame (PaqetEnvelope, checksum in JavaScript: pcap)', () => {
    envelope.assemble(out, payload, to);
  });
  bench('assemblePartial one 1400-byte frame (checksum finished in C: afpacket)', () => {
    envelope.assemblePartial(out, payload, to);
  });
  bench('decode one 1400-byte frame (InboundDecoder)', () => {
    decoder.decode(frame, 9999);
  });
});
