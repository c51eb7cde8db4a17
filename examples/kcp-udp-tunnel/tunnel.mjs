// An encrypted (AES-CFB, kcp-go envelope), multiplexed (smux v2) KCP tunnel over
// plain UDP on loopback: a server that echoes every stream, and a client that
// opens three streams and prints what comes back. Run: pnpm start
import { KcpListener, KcpSession, SmuxSession } from '@paqet/kcp';

const key = 'change-me';
const listener = await KcpListener.listen({ port: 0, host: '127.0.0.1', block: 'aes', key });
listener.on('session', (kcp) => SmuxSession.server(kcp).on('stream', (s) => s.pipe(s)));
const { port } = listener.localEndpoint;

const kcp = await KcpSession.dial({ host: '127.0.0.1', port, block: 'aes', key, mode: 'fast' });
const mux = SmuxSession.client(kcp);
mux.on('close', (reason) => console.log('tunnel closed:', reason));

const replies = ['alpha', 'beta', 'gamma'].map(
  (word) =>
    new Promise((resolve) => {
      const stream = mux.openStream();
      stream.once('data', (d) => {
        console.log(`stream ${stream.id}: ${d}`);
        stream.destroy();
        resolve();
      });
      stream.write(`hello ${word}`);
    }),
);
await Promise.all(replies);
console.log('stats:', JSON.stringify({ rttMs: kcp.stats().srttMs, datagramsOut: kcp.stats().datagramsOut }));
mux.close();
listener.close();
