/**
 * A link that goes down under an open raw socket: libpcap's descriptor reports an error
 * (ENETDOWN). cap 0.2.1 asserted on it and aborted the process; patched, the socket
 * survives and delivers again once the link is back (see README, "The patched cap").
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

  it('the process survives the link going down and up, and datagrams flow again', async () => {
    const serverPort = 45310;
    const server = await f.server.open(f.serverOptions(serverPort, { ipv6: undefined }));
    server.onDatagram((d, from) => server.send(d, from));
    const client = await f.client.open(f.clientOptions(45311, { ipv6: undefined }));
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
    client.close();
    server.close();
  });
});
