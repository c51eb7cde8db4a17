// Runs inside the lab's client namespace. Two workloads that curl cannot do well:
//
//   latency N HOST PORT [SOCKS_HOST:SOCKS_PORT]
//       N sequential requests "GET /small" on fresh connections (through SOCKS5 when a
//       proxy is given, else directly); prints {"ms":[...]} — each time covers connect,
//       SOCKS5 handshake, request and the whole response.
//   idle N HOST PORT SOCKS_HOST:SOCKS_PORT
//       opens N SOCKS5 CONNECTs to HOST:PORT (a listener that holds them open), prints
//       {"open":N,"ms":T} once every reply has arrived, keeps them until stdin closes or SIGTERM.
import net from 'node:net';

const [mode, countText, host, portText, proxy] = process.argv.slice(2);
const count = Number(countText);
const port = Number(portText);
const [proxyHost, proxyPortText] = proxy ? proxy.split(':') : [];
const proxyPort = Number(proxyPortText);

function connectTcp(h, p) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: h, port: p, noDelay: true });
    sock.once('connect', () => {
      sock.off('error', reject);
      resolve(sock);
    });
    sock.once('error', reject);
  });
}

/**
 * Reads exactly n bytes of the SOCKS5 reply. One reader per socket keeps the leftover
 * bytes; before the reply is complete nothing else can have arrived, so no byte is lost.
 */
function readExact(sock, n) {
  return new Promise((resolve, reject) => {
    const onReadable = () => {
      const chunk = sock.read(n);
      if (chunk === null) return;
      cleanup();
      resolve(chunk);
    };
    const onEnd = () => {
      cleanup();
      reject(new Error(`connection closed before ${n} bytes arrived`));
    };
    const cleanup = () => {
      sock.off('readable', onReadable);
      sock.off('end', onEnd);
      sock.off('error', onEnd);
    };
    sock.on('readable', onReadable);
    sock.once('end', onEnd);
    sock.once('error', onEnd);
    onReadable();
  });
}

/** RFC 1928 no-auth CONNECT to an IPv4 target; resolves with the socket once the reply says success. */
async function socksConnect(targetHost, targetPort) {
  const sock = await connectTcp(proxyHost, proxyPort);
  sock.write(Buffer.from([5, 1, 0]));
  const method = await readExact(sock, 2);
  if (method[1] !== 0) throw new Error(`SOCKS5 method refused (${method[1]})`);
  const req = Buffer.alloc(10);
  req.set([5, 1, 0, 1], 0);
  targetHost.split('.').forEach((octet, i) => (req[4 + i] = Number(octet)));
  req.writeUInt16BE(targetPort, 8);
  sock.write(req);
  const head = await readExact(sock, 4);
  if (head[1] !== 0) throw new Error(`SOCKS5 CONNECT failed (reply ${head[1]})`);
  const rest = head[3] === 1 ? 6 : head[3] === 4 ? 18 : (await readExact(sock, 1))[0] + 2;
  await readExact(sock, rest);
  return sock;
}

async function openConn(h, p) {
  return proxy ? socksConnect(h, p) : connectTcp(h, p);
}

async function oneRequest() {
  const t0 = process.hrtime.bigint();
  const sock = await openConn(host, port);
  sock.write(`GET /small HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
  // Done when the body is complete per Content-Length (as curl): waiting for the close
  // would time the tunnel's FIN propagation instead of the request.
  await new Promise((resolve, reject) => {
    let text = '';
    sock.setEncoding('latin1');
    sock.on('data', (d) => {
      text += d;
      const headEnd = text.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      if (!text.startsWith('HTTP/1.1 200')) return reject(new Error(`bad response: ${text.slice(0, 40)}`));
      const length = Number(/content-length:\s*(\d+)/i.exec(text.slice(0, headEnd))?.[1] ?? NaN);
      if (text.length - headEnd - 4 >= length) resolve();
    });
    sock.once('end', () => reject(new Error(`connection closed early: ${text.slice(0, 40)}`)));
    sock.once('error', reject);
  });
  sock.destroy();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

if (mode === 'latency') {
  await oneRequest(); // warm-up: first stream may wait for the session to come up
  const ms = [];
  for (let i = 0; i < count; i++) ms.push(await oneRequest());
  process.stdout.write(JSON.stringify({ ms }) + '\n');
  process.exit(0);
} else if (mode === 'idle') {
  const t0 = Date.now();
  const socks = [];
  // Open in small waves so the proxy sees a realistic accept rate, not 1,000 SYNs at once.
  for (let i = 0; i < count; i += 50) {
    const wave = await Promise.all(Array.from({ length: Math.min(50, count - i) }, () => openConn(host, port)));
    socks.push(...wave);
  }
  for (const s of socks) s.on('error', () => {}).resume();
  process.stdout.write(JSON.stringify({ open: socks.length, ms: Date.now() - t0 }) + '\n');
  const done = () => {
    for (const s of socks) s.destroy();
    process.exit(0);
  };
  process.stdin.on('end', done);
  process.stdin.resume();
  process.on('SIGTERM', done);
} else {
  process.stderr.write('usage: socks-client.mjs latency|idle N HOST PORT [SOCKS_HOST:PORT]\n');
  process.exit(2);
}
