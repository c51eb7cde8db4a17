import { createMemoryLinkPair, describePacketConnCompliance } from '@paqet/testkit';
import { UdpPacketConn } from '@paqet/kcp/udp';

describePacketConnCompliance('memory link', () => {
  const { a, b, aEndpoint, bEndpoint } = createMemoryLinkPair({ seed: 7 });
  return { a, b, aEndpoint, bEndpoint, cleanup: () => (a.close(), b.close()) };
});

describePacketConnCompliance(
  'node:dgram UDP on loopback',
  async () => {
    const a = await UdpPacketConn.bind({ host: '127.0.0.1' });
    const b = await UdpPacketConn.bind({ host: '127.0.0.1' });
    return { a, b, aEndpoint: a.localEndpoint, bEndpoint: b.localEndpoint, cleanup: () => (a.close(), b.close()) };
  },
  { count: 2000 },
);

describePacketConnCompliance(
  'node:dgram UDP over IPv6 loopback',
  async () => {
    const a = await UdpPacketConn.bind({ host: '::1', type: 'udp6' });
    const b = await UdpPacketConn.bind({ host: '::1', type: 'udp6' });
    return { a, b, aEndpoint: a.localEndpoint, bEndpoint: b.localEndpoint, cleanup: () => (a.close(), b.close()) };
  },
  { count: 200 },
);
