// forward.mjs end to end on loopback: a TCP echo target, the forwarder's server and client,
// and 2 MB through the local port checked by sha256. Run: node demo.mjs
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect as tcpConnect, createServer as tcpServer } from 'node:net';
import { forwardClient, forwardServer } from './forward.mjs';

const target = tcpServer((socket) => socket.pipe(socket));
await once(target.listen(0, '127.0.0.1'), 'listening');
const server = await forwardServer({ port: 0, host: '127.0.0.1', target: { host: '127.0.0.1', port: target.address().port }, key: 'demo' });
const client = await forwardClient({ server: { host: '127.0.0.1', port: server.address().port }, listen: '127.0.0.1:0', key: 'demo' });

const data = randomBytes(2 << 20);
const socket = tcpConnect(client.address.port, '127.0.0.1');
const hash = createHash('sha256');
let got = 0;
socket.on('data', (chunk) => {
  hash.update(chunk);
  if ((got += chunk.length) === data.length) socket.end();
});
socket.write(data);
await once(socket, 'close');
const ok = hash.digest('hex') === createHash('sha256').update(data).digest('hex');
console.log(`forwarded ${got} bytes through KCP, sha256 ${ok ? 'ok' : 'MISMATCH'}`);
await client.close();
server.close();
target.close();
process.exitCode = ok ? 0 : 1;
