/**
 * Loss-recovery probe: a download-shaped transfer over the in-memory link (server sndwnd
 * 1024 -> client rcvwnd 512, aes, mode fast, 25 ms one-way delay, seeded i.i.d. loss),
 * printing MB/s at 0%, 1% and 5% loss, the ratio to lossless, and the sender's
 * retransmissions by kind. Real time, so runs vary: compare medians of a few runs.
 *   sh bench/loss-probe.sh            (MB=12 by default)
 */


import { createMemoryLinkPair } from '@paqet/testkit';
import { SmuxSession, connect, createServer, deriveKey, type KcpSession, type SmuxStream } from '@paqet/kcp';

const key = deriveKey('probe');
const MB = Number(process.env.MB ?? 12);

async function run(loss: number): Promise<number> {
  const link = createMemoryLinkPair({ seed: 11, conditions: { loss, delayMs: 25 } });
  const listener = createServer({ block: 'aes', key, mode: 'fast', sndwnd: 1024, rcvwnd: 1024 }).listen({ conn: link.b });
  const total = MB * 1e6;
  let server: KcpSession | undefined;
  listener.on('session', (s: KcpSession) => {
    server = s;
    SmuxSession.server(s).on('stream', (st: SmuxStream) => {
      const chunk = Buffer.alloc(64 * 1024, 7);
      let sent = 0;
      const pump = () => {
        while (sent < total) {
          sent += chunk.length;
          if (!st.write(chunk)) return void st.once('drain', pump);
        }
        st.end();
      };
      pump();
    });
  });
  const kcp = connect({ conn: link.a, remote: link.bEndpoint, block: 'aes', key, mode: 'fast', sndwnd: 128, rcvwnd: 512 });
  const mux = SmuxSession.client(kcp);
  const st = mux.openStream();
  st.write(Buffer.from('go'));
  const t0 = performance.now();
  let got = 0;
  await new Promise<void>((r) => st.on('data', (d: Buffer) => ((got += d.length) >= total ? r() : undefined)));
  const rate = total / ((performance.now() - t0) / 1000);
  const retrans = server?.stats().retransmissions;
  mux.close();
  listener.close();
  console.log(`loss ${loss * 100}%: ${(rate / 1e6).toFixed(2)} MB/s, sender retransmissions ${JSON.stringify(retrans)}`);
  return rate;
}

const lossless = await run(0);
for (const loss of [0.01, 0.05]) console.log(`  ratio ${((await run(loss)) / lossless).toFixed(2)}`);
process.exit(0);
