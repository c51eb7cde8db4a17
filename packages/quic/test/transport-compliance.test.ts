/**
 * The shared Transport compliance suite against QuicSession, over the in-memory
 * link and over UDP on loopback. (KCP+smux and both over pcap: apps/paqet/test.)
 */
import { UdpPacketConn } from '@paqet/kcp/udp';
import { createMemoryLinkPair, describeTransportCompliance, transportPair, type TransportPair } from '@paqet/testkit';
import type { PacketConn } from '@paqet/wire';
import { QuicListener, QuicSession, deriveQuicIdentity } from '../src/index.js';

const identity = deriveQuicIdentity('compliance secret');
// Short idle timeout so the peer-gone test takes seconds, not the default 30.
const timing = { maxIdleTimeoutMs: 3000, keepAlivePeriodMs: 1000 };

async function connectPair(clientConn: PacketConn, serverConn: PacketConn, remote: { address: string; port: number }, silence: () => void): Promise<TransportPair> {
  const listener = new QuicListener({ conn: serverConn, identity, ...timing, ownsConn: true });
  const serverSession = listener.accept();
  const client = await QuicSession.connect({ conn: clientConn, remote, identity, ...timing, ownsConn: true });
  const server = (await serverSession)!;
  return transportPair(client, server, silence, listener);
}

describeTransportCompliance('QUIC over the memory link', async () => {
  const { a, b, bEndpoint, network } = createMemoryLinkPair({ conditions: { mtu: 1350 } });
  return connectPair(a, b, bEndpoint, () => network.setConditions({ loss: 1 }));
});

describeTransportCompliance('QUIC over UDP (loopback)', async () => {
  const serverConn = await UdpPacketConn.bind({ host: '127.0.0.1' });
  const clientConn = await UdpPacketConn.bind({ host: '127.0.0.1' });
  // Silence: the server stops hearing and stops answering (its socket closes without a word).
  return connectPair(clientConn, serverConn, { address: '127.0.0.1', port: serverConn.localEndpoint.port }, () => {
    serverConn.onDatagram(null);
    serverConn.close();
  });
});
