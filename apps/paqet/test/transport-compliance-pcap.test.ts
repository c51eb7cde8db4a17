/**
 * The shared Transport compliance suite for both transports as the daemon
 * builds them (dialTransport / TransportListener from a resolved config), each
 * over real raw PacketConns of both backends (pcap, afpacket) in two lab
 * namespaces: every datagram crosses the
 * client<->server veth as a crafted TCP frame. The transports run in this test
 * process; each namespace runs a small agent that owns its raw PacketConn and
 * relays datagrams over IPC (@paqet/rawsock's test helpers), because a process
 * can only open interfaces of its own namespace.
 */
import { afterAll, describe } from 'vitest';
import { describeTransportCompliance, transportPair, type TransportPair } from '@paqet/testkit';
import type { RawBackend } from '@paqet/rawsock';
import type { Transport } from '@paqet/wire';
import { labSkipReason, startLabFixture, type LabFixture } from '../../../packages/rawsock/test/helpers/lab-fixture.js';
import { loadConfigText, type ResolvedConfig } from '../src/config/index.js';
import { dialTransport, TransportListener } from '../src/transport/transport.js';
import { offlineEnv } from './helpers.js';

let fixture: Promise<LabFixture> | undefined;
const getFixture = () => (fixture ??= startLabFixture(`tc${process.pid % 1000}`));
afterAll(async () => {
  if (fixture) await (await fixture).stop();
});

// Short keep-alive and idle limits so the peer-gone test takes seconds.
const TRANSPORTS = {
  kcp: 'protocol: kcp\n  kcp: { mode: fast, block: aes, key: compliance, smuxkalive: 1, smuxktimeout: 3 }',
  quic: 'protocol: quic\n  quic: { key: compliance, max_idle_timeout: 3, keep_alive_period: 1 }',
};

async function configFor(protocol: keyof typeof TRANSPORTS): Promise<ResolvedConfig> {
  const { config } = await loadConfigText(
    `role: server\nlisten: { addr: ":9999" }\nnetwork: { interface: eth0, ipv4: { addr: "10.0.0.1:9999", router_mac: "aa:bb:cc:dd:ee:ff" } }\ntransport:\n  ${TRANSPORTS[protocol]}\n`,
    `${protocol}.yaml`,
    offlineEnv,
  );
  return config;
}

let nextPort = 41000;

function pairFactory(protocol: keyof typeof TRANSPORTS, backend: RawBackend) {
  return async (): Promise<TransportPair> => {
    const [f, config] = await Promise.all([getFixture(), configFor(protocol)]);
    const clientPort = nextPort++;
    const serverPort = nextPort++ + 10000;
    const clientConn = await f.client.open(f.clientOptions(clientPort, { sockbuf: 32 << 20 }), backend);
    const serverConn = await f.server.open(f.serverOptions(serverPort, { sockbuf: 32 << 20 }), backend);
    const listener = new TransportListener(config, serverConn);
    const accepted = new Promise<Transport>((resolve) => listener.once('transport', resolve));
    const client = dialTransport(config, clientConn, { address: f.lab.server.link.ipv4, port: serverPort }, { ownsConn: true });
    // KCP has no handshake: the server learns of the session from the first segment.
    if (protocol === 'kcp') client.openStream().end();
    const server = await accepted;
    if (protocol === 'kcp') await server.acceptStream();
    const silence = () => {
      serverConn.onDatagram(null);
      serverConn.close();
    };
    return transportPair(client, server, silence, listener);
  };
}

describe.skipIf(labSkipReason !== null)(`transports over raw sockets across veth${labSkipReason ? ` (skipped: ${labSkipReason})` : ''}`, () => {
  const limits = { timeoutMs: 120_000, peerGoneMs: 30_000 };
  for (const backend of ['pcap', 'afpacket'] as const) {
    describeTransportCompliance(`KCP+smux over ${backend} (two namespaces)`, pairFactory('kcp', backend), limits);
    describeTransportCompliance(`QUIC over ${backend} (two namespaces)`, pairFactory('quic', backend), limits);
  }
});
