/** Shared set-up for the tunnel benchmarks: server echo-less sink, client streams. */
import { createMemoryLinkPair } from '@paqet/testkit';
import { once } from 'node:events';
import { SmuxSession, connect, createServer, deriveKey, type KcpMode, type KcpServer, type KcpSession, type SmuxStream } from '@paqet/kcp';

export interface Tunnel {
  client: SmuxSession;
  /** Send `bytes` split over `streams` streams; resolves when the server has read them all. */
  transfer(bytes: number, streams: number): Promise<void>;
  close(): void;
}

const key = deriveKey('bench-key');
const chunk = Buffer.alloc(65536, 0x5a);

function wire(listener: KcpServer, kcp: KcpSession): Tunnel {
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
  const listener = createServer({ block: 'aes', key, ...settings(mode) }).listen({ conn: link.b });
  const kcp = connect({ conn: link.a, remote: link.bEndpoint, block: 'aes', key, ...settings(mode) });
  return wire(listener, kcp);
}

export async function udpTunnel(mode: KcpMode = 'fast', wnd = 1024): Promise<Tunnel> {
  const listener = createServer({ block: 'aes', key, ...settings(mode, wnd) });
  await once(listener.listen(0, '127.0.0.1'), 'listening');
  const kcp = connect({ host: '127.0.0.1', port: listener.address()!.port, block: 'aes', key, ...settings(mode, wnd) });
  await once(kcp, 'connect');
  return wire(listener, kcp);
}
