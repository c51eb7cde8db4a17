// Runs inside the lab's target namespace (ip netns exec PREFIX-target node target-server.mjs).
//
//   GET  /bytes?n=N   N bytes of a generated (non-compressible, fixed) pattern
//   POST /upload      consumes the body, answers with the byte count
//   GET  /small       a 64-byte body (latency workload)
//   HOLD port         a plain TCP listener that accepts connections and keeps them open
//                     silently (idle-stream workload)
//
// Prints "ready" on stdout once both listeners are up.
import http from 'node:http';
import net from 'node:net';
import { randomFillSync } from 'node:crypto';

const host = process.env.TARGET_HOST ?? '0.0.0.0';
const httpPort = Number(process.env.TARGET_HTTP_PORT ?? 8000);
const holdPort = Number(process.env.TARGET_HOLD_PORT ?? 8001);

// One random chunk reused for every response: the bytes are incompressible, the server
// costs almost nothing per byte, and nothing is allocated per write.
const chunk = randomFillSync(Buffer.alloc(256 * 1024));
const small = Buffer.alloc(64, 0x61);

function sendBytes(res, total) {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(total) });
  let left = total;
  const pump = () => {
    while (left > 0) {
      const n = Math.min(left, chunk.length);
      left -= n;
      const more = res.write(n === chunk.length ? chunk : chunk.subarray(0, n));
      if (!more && left > 0) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://target');
  if (req.method === 'GET' && url.pathname === '/bytes') {
    const n = Number(url.searchParams.get('n') ?? 0);
    if (!Number.isSafeInteger(n) || n < 0) return void res.writeHead(400).end();
    return void sendBytes(res, n);
  }
  if (req.method === 'GET' && url.pathname === '/small') {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(small.length) });
    return void res.end(small);
  }
  if (req.method === 'POST' && url.pathname === '/upload') {
    let count = 0;
    req.on('data', (d) => (count += d.length));
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end(String(count)));
    return;
  }
  res.writeHead(404).end();
});
server.keepAliveTimeout = 60_000;
server.maxConnections = 100_000;

const held = new Set();
const hold = net.createServer((sock) => {
  held.add(sock);
  sock.on('error', () => {});
  sock.on('close', () => held.delete(sock));
  sock.resume();
});
hold.maxConnections = 100_000;

await Promise.all([
  new Promise((r) => server.listen(httpPort, host, 4096, r)),
  new Promise((r) => hold.listen(holdPort, host, 4096, r)),
]);
process.stdout.write('ready\n');
const stop = () => {
  for (const s of held) s.destroy();
  server.close();
  hold.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
