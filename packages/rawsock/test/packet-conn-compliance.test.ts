/**
 * The shared PacketConn compliance suite against real raw PacketConns of both backends
 * (pcap and afpacket): one in the
 * client namespace, one in the server namespace, datagrams crossing the veth pair as
 * crafted TCP frames (IPv4 and IPv6), 10,000 datagrams of varied sizes each way.
 */
import { afterAll, describe } from 'vitest';
import { describePacketConnCompliance } from '@paqet/testkit';
import type { RawBackend } from '@paqet/rawsock';
import { labSkipReason, startLabFixture, type LabFixture } from './helpers/lab-fixture.js';

let fixture: Promise<LabFixture> | undefined;
const getFixture = () => (fixture ??= startLabFixture('c'));
afterAll(async () => {
  if (fixture) await (await fixture).stop();
});

let nextPort = 40000;

function pairFactory(family: 4 | 6, backend: RawBackend) {
  return async () => {
    const f = await getFixture();
    const clientPort = nextPort++;
    const serverPort = nextPort++ + 10000;
    // A flood with no flow control: a 128 MiB ring (about 2,000 frame slots) absorbs the
    // event-loop stalls of a busy machine.
    const a = await f.client.open(f.clientOptions(clientPort, { sockbuf: 128 << 20 }), backend);
    const b = await f.server.open(f.serverOptions(serverPort, { sockbuf: 128 << 20 }), backend);
    const host = (h: 'client' | 'server') => (family === 4 ? f.lab[h].link.ipv4 : f.lab[h].link.ipv6!);
    return {
      a,
      b,
      aEndpoint: { address: host('client'), port: clientPort },
      bEndpoint: { address: host('server'), port: serverPort },
      cleanup: () => {
        a.close();
        b.close();
      },
    };
  };
}

describe.skipIf(labSkipReason !== null)(`raw PacketConns across veth${labSkipReason ? ` (skipped: ${labSkipReason})` : ''}`, () => {
  // Raw frames have no flow control: on a loaded machine the kernel may drop a few frames
  // of a flood (counted, never corrupted). Corruption and wrong sources must be zero.
  // Paced at 16 datagrams per millisecond, well under the veth path's rate, so the test
  // checks integrity rather than how a flood fares against other load on the machine.
  const bulk = { burst: 16, pauseMs: 1, minDeliveryRatio: 0.99 };
  for (const backend of ['pcap', 'afpacket'] as const) {
    describePacketConnCompliance(`${backend} over veth, IPv4`, pairFactory(4, backend), { ...bulk, count: 10_000, timeoutMs: 40_000 });
    describePacketConnCompliance(`${backend} over veth, IPv6`, pairFactory(6, backend), { ...bulk, count: 2_000, timeoutMs: 20_000 });
  }
});
