/**
 * A link that goes down under an open raw socket, on both backends. pcap: libpcap's
 * descriptor reports an error (ENETDOWN); cap 0.2.1 asserted on it and aborted the
 * process; patched, the socket survives (see README, "The patched cap"). afpacket: the
 * kernel sets the socket error, libuv stops a poll handle on POLLERR, and the addon must
 * clear the error and poll again. Either way datagrams flow again once the link is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labSkipReason, startLabFixture, type LabFixture } from './helpers/lab-fixture.js';
import { echoThrough } from './helpers/echo.js';

const ECHO_TIMEOUT_MS = 15_000;

describe.skipIf(labSkipReason !== null)('link down under an open raw socket (namespace lab)', () => {
  let f: LabFixture;
  beforeAll(async () => {
    f = await startLabFixture('ld');
  });
  afterAll(async () => {
    await f?.stop();
  });

  it.each(['pcap', 'afpacket'] as const)('%s: the process survives the link going down and up, and datagrams flow again', async (backend) => {
    const serverPort = backend === 'pcap' ? 45310 : 45320;
    const server = await f.server.open(f.serverOptions(serverPort, { ipv6: undefined }), backend);
    server.onDatagram((d, from) => server.send(d, from));
    const client = await f.client.open(f.clientOptions(serverPort + 1, { ipv6: undefined }), backend);
    const peer = { address: f.lab.server.link.ipv4, port: serverPort };
    await echoThrough(client, peer, 'before', ECHO_TIMEOUT_MS);

    const iface = f.lab.client.link.interface;
    expect((await f.lab.exec('client', ['ip', 'link', 'set', iface, 'down'])).code).toBe(0);
    // Injection on a down link fails and is counted, not thrown.
    client.send(new TextEncoder().encode('while-down'), peer);
    expect((await client.counters()).dropped.injectFailed).toBeGreaterThanOrEqual(1);
    expect((await f.lab.exec('client', ['ip', 'link', 'set', iface, 'up'])).code).toBe(0);

    const after = await echoThrough(client, peer, 'after', ECHO_TIMEOUT_MS).then(
      () => 'echoed',
      (err: Error) => err.message,
    );
    expect(f.client.exited, 'the client-side agent process ended').toBeNull();
    expect(after).toBe('echoed');
    // afpacket: the poll did report the error (and was started again).
    if (backend === 'afpacket') expect((await client.nativeStats())!.pollErrors).toBeGreaterThanOrEqual(1);
    client.close();
    server.close();
  });
});
