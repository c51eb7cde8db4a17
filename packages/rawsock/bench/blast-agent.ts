/**
 * Benchmark agent, run inside a lab namespace: `recv` counts datagrams on a
 * PcapPacketConn until told to stop (one line of JSON on stdout); `send` injects
 * COUNT datagrams of SIZE bytes as fast as possible, yielding to the event loop every
 * BATCH sends, then prints its rate. No IPC in the measured path.
 */
import { PcapPacketConn } from '@paqet/rawsock';

const [mode, iface, localIp, port, routerMac, sockbuf, peerIp, peerPort, count, size, batch] = process.argv.slice(2);

const conn = new PcapPacketConn({
  interface: iface,
  ipv4: { addr: localIp, port: Number(port), routerMac },
  sockbuf: Number(sockbuf),
});

if (mode === 'recv') {
  let received = 0;
  let bytes = 0;
  let first = 0;
  let last = 0;
  conn.onDatagram((d) => {
    if (received === 0) first = performance.now();
    received++;
    bytes += d.length;
    last = performance.now();
  });
  process.stdout.write('ready\n');
  process.stdin.on('data', () => {
    const seconds = (last - first) / 1000;
    process.stdout.write(JSON.stringify({ received, bytes, seconds, counters: conn.counters }) + '\n');
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
  const pump = () => {
    const end = Math.min(total, sent + perTurn);
    for (; sent < end; sent++) conn.send(payload, to);
    if (sent < total) setImmediate(pump);
    else {
      const seconds = (performance.now() - start) / 1000;
      process.stdout.write(JSON.stringify({ sent: conn.counters.packetsOut, seconds, counters: conn.counters }) + '\n');
      conn.close();
      process.exit(0);
    }
  };
  pump();
}
