// A port forwarder from @paqet/kcp + @paqet/proxy: connections to a local TCP port travel
// as smux streams in one encrypted KCP session over UDP to a server that dials the target.
//   node forward.mjs server <udp-port> <target-host:port> <key>
//   node forward.mjs client <server-host:port> <local-port> <key>
import { once } from 'node:events';
import { SmuxSession, connect, createServer } from '@paqet/kcp';
import { DirectDialer, TcpForward, parseTarget, relayTcp } from '@paqet/proxy';

/** Server: every stream of every session is relayed to the one target. */
export async function forwardServer({ port, host = '0.0.0.0', target, key }) {
  const dialer = new DirectDialer({ timeoutMs: 8000 });
  const server = createServer({ block: 'aes', key }, (session) => {
    SmuxSession.server(session).on('stream', (stream) => void relayTcp(stream, target, dialer));
  });
  await once(server.listen(port, host), 'listening');
  return server;
}

/** Client: a local TCP listener whose connections each open a stream to the server. */
export async function forwardClient({ server, listen, key }) {
  const session = connect({ host: server.host, port: server.port, block: 'aes', key });
  const mux = SmuxSession.client(session);
  const tunnel = {
    dialTcp: async () => mux.openStream(), // the server decides where streams go
    dialUdp: async () => {
      throw new Error('this forwarder carries TCP only');
    },
  };
  const forward = new TcpForward({ listen, target: 'server-side:0', dialer: tunnel });
  const address = await forward.listen();
  return {
    address,
    async close() {
      await forward.close();
      mux.close();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [role, where, what, key = 'change-me'] = process.argv.slice(2);
  if (role === 'server') {
    await forwardServer({ port: Number(where), target: parseTarget(what), key });
    console.log(`forwarding UDP :${where} -> ${what}`);
  } else if (role === 'client') {
    const { address } = await forwardClient({ server: parseTarget(where), listen: `127.0.0.1:${what}`, key });
    console.log(`listening on ${address.address}:${address.port}`);
  } else {
    console.error('usage: forward.mjs server <udp-port> <target> <key> | client <server> <local-port> <key>');
    process.exitCode = 2;
  }
}
