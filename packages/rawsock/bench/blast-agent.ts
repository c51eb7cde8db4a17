/**
 * Benchmark agent, run inside a lab namespace: `recv` counts datagrams on a raw
 * PacketConn (BACKEND: pcap or afpacket) until told to stop (one line of JSON on stdout);
 * `send` injects COUNT datagrams of SIZE bytes as fast as possible, yielding to the event
 * loop every BATCH sends, then prints its rate. Both report the CPU time (user + system)
 * the process used while it moved them. No IPC in the measured path.
 */
import { openRawPacketConn, type RawBackend } from '@paqet/rawsock';

const [mode, backend, iface, localIp, port, routerMac, sockbuf, peerIp, peerPort, count, size, batch] = process.argv.slice(2);

const conn = openRawPacketConn(
  {
    interface: iface,
    ipv4: { addr: localIp, port: Number(port), routerMac },
    sockbuf: Number(sockbuf),
  },
  backend as RawBackend,
);

/** CPU seconds (user + system) since `from`. */
const cpuSince = (from: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
};

if (mode === 'recv') {
  let received = 0;
  let bytes = 0;
  let first = 0;
  let last = 0;
  let cpuFirst = process.cpuUsage();
  let cpuLast = 0;
  conn.onDatagram((d) => {
    if (received === 0) {
      first = performance.now();
      cpuFirst = process.cpuUsage();
    }
    received++;
    bytes += d.length;
    last = performance.now();
    // Sampled rather than per datagram: cpuUsage is a syscall.
    if ((received & 1023) === 0) cpuLast = cpuSince(cpuFirst);
  });
  process.stdout.write('ready\n');
  process.stdin.on('data', () => {
    const seconds = (last - first) / 1000;
    process.stdout.write(JSON.stringify({ received, bytes, seconds, cpuSeconds: cpuLast, counters: conn.counters }) + '\n');
    conn.close();
    process.exit(0);
  });
} else {
  const total = Number(count);
  const perTurn = Number(batch);
  const payload = new Uint8Array(Number(size)).fill(0x5a);
  const to = { address: peerIp, port: Number(peerPort) };
  let sent = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  // The afpacket backend hands a turn's frames to the kernel in a microtask, so the report
  // waits one turn for the last batch.
  const finish = () => {
    const seconds = (performance.now() - start) / 1000;
    const cpuSeconds = cpuSince(cpuStart);
    process.stdout.write(JSON.stringify({ sent: conn.counters.packetsOut, seconds, cpuSeconds, counters: conn.counters }) + '\n');
    conn.close();
    process.exit(0);
  };
  const pump = () => {
    const end = Math.min(total, sent + perTurn);
    for (; sent < end; sent++) conn.send(payload, to);
    setImmediate(sent < total ? pump : finish);
  };
  pump();
}
