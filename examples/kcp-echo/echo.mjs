// An encrypted KCP echo over plain UDP, built like a node:net server and client:
// createServer() echoes every session, connect() sends 5 MB and checks what comes back
// by sha256. No pcap, no root. Run: node echo.mjs [megabytes]
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, createServer } from '@paqet/kcp';

const key = 'change-me'; // a passphrase (PBKDF2 as paqet derives it) or 32 key bytes
const size = Number(process.argv[2] ?? 5) * 1024 * 1024;

const server = createServer({ block: 'aes', key }, (session) => session.pipe(session));
await once(server.listen(0, '127.0.0.1'), 'listening');

const client = connect({ host: '127.0.0.1', port: server.address().port, block: 'aes', key, mode: 'fast' });
await once(client, 'connect');

const data = randomBytes(size);
const received = createHash('sha256');
let got = 0;
const echoed = new Promise((resolve) =>
  client.on('data', (chunk) => {
    received.update(chunk);
    if ((got += chunk.length) === size) resolve();
  }),
);
const started = performance.now();
for (let off = 0; off < size; off += 65536) {
  if (!client.write(data.subarray(off, off + 65536))) await once(client, 'drain'); // backpressure
}
await echoed;
const seconds = (performance.now() - started) / 1000;

const sent = createHash('sha256').update(data).digest('hex');
const back = received.digest('hex');
console.log(`echoed ${size} bytes in ${seconds.toFixed(2)} s, rtt ${client.stats().srttMs} ms`);
console.log(`sha256 ${back === sent ? 'ok' : 'MISMATCH'} ${back}`);
client.destroy();
server.close();
process.exitCode = back === sent ? 0 : 1;
