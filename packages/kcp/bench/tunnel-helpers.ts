/** Shared set-up for the tunnel benchmarks: server echo-less sink, client streams. */
import { createMemoryLinkPair } from '@paqet/testkit';
import { KcpListener, KcpSession, SmuxSession, createDatagramCipher, deriveKey, type KcpMode, type SmuxStream } from '@paqet/kcp';

export interface Tunnel {
  client: SmuxSession;
  /** Send `bytes` split over `streams` streams; resolves when the server has read them all. */
  transfer(bytes: number, streams: number): Promise<void>;
  close(): void;
}

const key = deriveKey('bench-key');
const chunk = Buffer.alloc(65536, 0x5a);

function wire(listener: KcpListener, kcp: KcpSession): Tunnel {
  let received = 0;
  let want = 0;
  let resolveDone: (() => void) | null = null;
  listener.on('session', (s: KcpSession) => {
    SmuxSession.server(s).on('stream', (st: SmuxStream) => {
      st.on('data', (d: Buffer) => {
        received += d.length;
        if (received >= want && resolveDone) {
          const r = resolveDone;
          resolveDone = null;
          r();
        }
      });
    });
  });
  const client = SmuxSession.client(kcp);
  return {
    client,
    transfer(bytes, streams) {
      received = 0;
      want = bytes;
      const done = new Promise<void>((r) => (resolveDone = r));
      const per = Math.ceil(bytes / streams);
      for (let i = 0; i < streams; i++) {
        const st = client.openStream();
        let sent = 0;
        const pump = () => {
          while (sent < per) {
            sent += chunk.length;
            if (!st.write(chunk)) return void st.once('drain', pump);
          }
          st.end();
        };
        pump();
      }
      return done;
    },
    close() {
      client.close();
      listener.close();
    },
  };
}

const settings = (mode: KcpMode, wnd = 1024) => ({ mode, sndwnd: wnd, rcvwnd: wnd });

export function memoryTunnel(mode: KcpMode = 'fast'): Tunnel {
  const link = createMemoryLinkPair({ seed: 1 });
  const listener = new KcpListener({ conn: link.b, createCipher: () => createDatagramCipher('aes', key), ...settings(mode) });
  const kcp = KcpSession.dialConn({ conn: link.a, remote: link.bEndpoint, cipher: createDatagramCipher('aes', key), ...settings(mode) });
  return wire(listener, kcp);
}

export async function udpTunnel(mode: KcpMode = 'fast', wnd = 1024): Promise<Tunnel> {
  const listener = await KcpListener.listen({ port: 0, host: '127.0.0.1', block: 'aes', key, ...settings(mode, wnd) });
  const kcp = await KcpSession.dial({ host: '127.0.0.1', port: listener.localEndpoint!.port, block: 'aes', key, ...settings(mode, wnd) });
  return wire(listener, kcp);
}
