/**
 * Throughput of the pcap PacketConn across a veth pair between two lab namespaces:
 * 1400-byte datagrams blasted one way at full speed, for kernel buffers of 32 MiB and
 * 256 MiB, each direction; prints datagrams/s and MB/s sent and received and the loss.
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
import { bundleEntry } from '../test/helpers/bundle.js';

const COUNT = Number(process.env.RAWSOCK_BENCH_COUNT ?? 200_000);
const SIZE = 1400;
const BATCH = 64;
const resultsDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../bench-results');

interface Row {
  direction: string;
  sockbuf: string;
  sentPerSec: number;
  receivedPerSec: number;
  sentMBps: number;
  receivedMBps: number;
  lossPercent: number;
}

async function blast(lab: Lab, script: string, from: 'client' | 'server', sockbuf: number): Promise<Row> {
  const to = from === 'client' ? 'server' : 'client';
  const port = (h: string) => (h === 'client' ? 40000 : 9999);
  const recv = spawn('ip', ['netns', 'exec', lab[to].ns, process.execPath, script, 'recv', lab[to].link.interface, lab[to].link.ipv4, String(port(to)), lab[to].peerMac, String(sockbuf)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: recv.stdout! })[Symbol.asyncIterator]();
  await lines.next(); // "ready"
  const sender = spawn(
    'ip',
    ['netns', 'exec', lab[from].ns, process.execPath, script, 'send', lab[from].link.interface, lab[from].link.ipv4, String(port(from)), lab[from].peerMac, String(1 << 20), lab[to].link.ipv4, String(port(to)), String(COUNT), String(SIZE), String(BATCH)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let sentOut = '';
  for await (const chunk of sender.stdout!) sentOut += chunk;
  const sent = JSON.parse(sentOut) as { sent: number; seconds: number };
  await new Promise((r) => setTimeout(r, 500));
  recv.stdin!.end('stop\n');
  const got = JSON.parse((await lines.next()).value as string) as { received: number; bytes: number; seconds: number };
  return {
    direction: `${from} -> ${to}`,
    sockbuf: `${sockbuf >> 20} MiB`,
    sentPerSec: Math.round(sent.sent / sent.seconds),
    receivedPerSec: Math.round(got.received / got.seconds),
    sentMBps: +((sent.sent * SIZE) / sent.seconds / 1e6).toFixed(1),
    receivedMBps: +(got.bytes / got.seconds / 1e6).toFixed(1),
    lossPercent: +((100 * (sent.sent - got.received)) / sent.sent).toFixed(3),
  };
}

const labReason = labUnavailableReason();

describe.skipIf(labReason !== null)('veth throughput (lab)', () => {
  const rows: Row[] = [];
  bench(
    'blast 1400-byte datagrams both directions, 32 and 256 MiB',
    async () => {
      const lab = await startLab(`rsb${process.pid}`);
      try {
        const script = bundleEntry('bench/blast-agent.ts');
        for (const sockbuf of [32 << 20, 256 << 20]) {
          rows.push(await blast(lab, script, 'client', sockbuf));
          rows.push(await blast(lab, script, 'server', sockbuf));
        }
      } finally {
        await lab.stop();
      }
      // vitest bench shows no console output from here; the table goes to a file and stderr.
      const text = [`${COUNT} datagrams of ${SIZE} bytes per run, sender yields every ${BATCH}`, ...rows.map((r) => JSON.stringify(r))].join('\n') + '\n';
      mkdirSync(resultsDir, { recursive: true });
      writeFileSync(join(resultsDir, 'rawsock-veth.txt'), text);
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
  bench('assemble one 1400-byte frame (PaqetEnvelope)', () => {
    envelope.assemble(out, payload, to);
  });
  bench('decode one 1400-byte frame (InboundDecoder)', () => {
    decoder.decode(frame, 9999);
  });
});
