/**
 * The shared Transport compliance suite against KCP+smux as the daemon builds
 * it (dialTransport / TransportListener from a resolved config), over the in-memory link and
 * over UDP on loopback. (QUIC over the same links: packages/quic/test.)
 */
import { UdpPacketConn } from '@paqet/kcp/udp';
import { createMemoryLinkPair, describeTransportCompliance, transportPair, type TransportPair } from '@paqet/testkit';
import type { Endpoint, PacketConn, Transport } from '@paqet/wire';
import { loadConfigText, type ResolvedConfig } from '../src/config/index.js';
import { dialTransport, TransportListener } from '../src/transport/transport.js';
import { offlineEnv } from './helpers.js';

// Short smux keepalive so the peer-gone test takes seconds (the default timeout is 8 s).
const { config } = await loadConfigText(
  `role: server
listen: { addr: ":9999" }
network: { interface: eth0, ipv4: { addr: "10.0.0.1:9999", router_mac: "aa:bb:cc:dd:ee:ff" } }
transport:
  protocol: kcp
  kcp: { mode: fast, block: aes, key: compliance, smuxkalive: 1, smuxktimeout: 3 }
`,
  'kcp.yaml',
  offlineEnv,
);

async function connectPair(cfg: ResolvedConfig, clientConn: PacketConn, serverConn: PacketConn, remote: Endpoint, silence: () => void): Promise<TransportPair> {
  const listener = new TransportListener(cfg, serverConn);
  const accepted = new Promise<Transport>((resolve) => listener.once('transport', resolve));
  const client = dialTransport(cfg, clientConn, remote, { ownsConn: true });
  // KCP has no handshake: the server learns of the session from the first segment.
  client.openStream().end();
  const server = await accepted;
  await server.acceptStream();
  return transportPair(client, server, silence, listener);
}

describeTransportCompliance('KCP+smux over the memory link', async () => {
  const { a, b, bEndpoint, network } = createMemoryLinkPair({ conditions: { mtu: 1500 } });
  return connectPair(config, a, b, bEndpoint, () => network.setConditions({ loss: 1 }));
});

describeTransportCompliance('KCP+smux over UDP (loopback)', async () => {
  const serverConn = await UdpPacketConn.bind({ host: '127.0.0.1' });
  const clientConn = await UdpPacketConn.bind({ host: '127.0.0.1' });
  return connectPair(config, clientConn, serverConn, { address: '127.0.0.1', port: serverConn.localEndpoint.port }, () => {
    serverConn.onDatagram(null);
    serverConn.close();
  });
});
