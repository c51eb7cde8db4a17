// A custom tunnel with @paqet/quic over plain UDP on loopback (no pcap, no root):
// a server that echoes every stream, a client that sends 1 MB on one stream and
// a word on each of three more, checks what comes back by sha256, and a client
// with the wrong secret that gets no tunnel. Run: pnpm start
import { createHash, randomBytes } from 'node:crypto';
import { UdpPacketConn } from '@paqet/kcp/udp';
import { QuicListener, QuicSession, deriveQuicIdentity } from '@paqet/quic';

// Both ends derive the same TLS identity from the secret (PBKDF2, then HKDF to an Ed25519 key).
const identity = deriveQuicIdentity('change-me');

const serverConn = await UdpPacketConn.bind({ host: '127.0.0.1' });
const listener = new QuicListener({ conn: serverConn, identity, ownsConn: true });
listener.on('session', (session) => session.on('stream', (s) => s.pipe(s)));
listener.on('rejected', ({ remote, reason }) => console.log(`server rejected ${remote.address}:${remote.port}: ${reason}`));
const remote = { address: '127.0.0.1', port: serverConn.localEndpoint.port };

const client = await QuicSession.connect({ conn: await UdpPacketConn.bind({ host: '127.0.0.1' }), remote, identity, ownsConn: true });

const readAll = (stream) =>
  new Promise((resolve, reject) => {
    const chunks = [];
    stream.on('data', (d) => chunks.push(d)).once('end', () => resolve(Buffer.concat(chunks))).once('error', reject);
  });
const sha256 = (b) => createHash('sha256').update(b).digest('hex');

const data = randomBytes(1024 * 1024);
const bulk = client.openStream();
bulk.end(data); // QUIC FIN closes our direction only; the echo still comes back
const words = ['alpha', 'beta', 'gamma'].map(async (word) => {
  const s = client.openStream();
  s.end(`hello ${word}`);
  console.log(`stream ${s.id}: ${await readAll(s)}`);
});
const echoed = await readAll(bulk);
await Promise.all(words);
if (sha256(echoed) !== sha256(data)) throw new Error('echo mismatch');
console.log(`1 MB echoed on stream ${bulk.id}: sha256 OK`);
const { packetsOut, rttMs, lost } = client.stats();
console.log('stats:', JSON.stringify({ packetsOut, rttMs, lost }));

const intruder = QuicSession.dial({ conn: await UdpPacketConn.bind({ host: '127.0.0.1' }), remote, secret: 'wrong secret', ownsConn: true });
await intruder.ready.then(
  () => { throw new Error('a client with the wrong secret got a tunnel'); },
  (err) => console.log(`wrong secret: no tunnel (${err.code})`),
);

client.close('done');
listener.close();
