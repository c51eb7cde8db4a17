// Server-side relays: relayTcp over a real loopback socket as the "stream", relayUdp over a
// frame-preserving stream pair with the UDP-over-stream framing.
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectDialer, ProxyStats, StreamDatagramChannel, relayTcp, relayUdp } from '@paqet/proxy';
import { closedPort, sha256, startBodyServer, startUdpEcho, type BodyServer, type UdpEcho } from './helpers.js';
import { framedPair } from './framed-pair.js';

let origin: BodyServer;
let echo: UdpEcho;
/** Reads until EOF, then answers `got <n>` and closes: needs a working half-close to answer. */
let counter: Server;
let counterPort: number;

beforeAll(async () => {
  origin = await startBodyServer();
  echo = await startUdpEcho();
  counter = createServer({ allowHalfOpen: true }, (socket) => {
    let n = 0;
    socket.on('data', (chunk) => (n += chunk.length));
    socket.on('end', () => socket.end(`got ${n}`));
  });
  await new Promise<void>((resolve) => counter.listen(0, '127.0.0.1', resolve));
  counterPort = (counter.address() as AddressInfo).port;
});

afterAll(async () => {
  await origin.close();
  await echo.close();
  await new Promise((resolve) => counter.close(resolve));
});

/** A loopback socket pair: [client end, accepted end handed to the relay as its stream]. */
async function socketPair(allowHalfOpen: boolean): Promise<[Socket, Socket]> {
  const server = createServer({ allowHalfOpen });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  const client = connect({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', allowHalfOpen: true });
  const stream = await accepted;
  server.close();
  return [client, stream];
}

function collect(socket: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (c) => chunks.push(c));
  // 'end' is the relay's FIN: the client end allows half-open, so it would not close by itself.
  return new Promise((resolve) => {
    socket.once('end', () => resolve(Buffer.concat(chunks)));
    socket.once('close', () => resolve(Buffer.concat(chunks)));
  });
}

describe('relayTcp', () => {
  it('relays a 10 MB HTTP response and closes both sides', async () => {
    const [client, stream] = await socketPair(true);
    const stats = new ProxyStats();
    const relay = relayTcp(stream, { host: '127.0.0.1', port: origin.port }, new DirectDialer(), { stats });
    const received = collect(client);
    client.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const response = await received;
    client.destroy();
    const body = response.subarray(response.indexOf('\r\n\r\n') + 4);
    expect(sha256(body)).toBe(origin.sha256);
    expect(await relay).toEqual({ connected: true, error: undefined });
    expect(stream.destroyed).toBe(true);
    expect(stats.activeConnections).toBe(0);
  });

  it('closes the stream and counts the reason when the target refuses', async () => {
    const [client, stream] = await socketPair(true);
    const stats = new ProxyStats();
    const closed = collect(client);
    const outcome = await relayTcp(stream, { host: '127.0.0.1', port: await closedPort() }, new DirectDialer(), { stats });
    expect(outcome.connected).toBe(false);
    expect(stats.errors.refused).toBe(1);
    expect((await closed).length).toBe(0);
  });

  it('halfClose: a client EOF is passed on and the answer still comes back', async () => {
    const [client, stream] = await socketPair(true);
    const relay = relayTcp(stream, { host: '127.0.0.1', port: counterPort }, new DirectDialer(), { halfClose: true });
    const received = collect(client);
    client.end(Buffer.alloc(100_000));
    expect((await received).toString()).toBe('got 100000');
    await relay;
  });

  it('default (reference): a client EOF ends the whole relay', async () => {
    const [client, stream] = await socketPair(true);
    const relay = relayTcp(stream, { host: '127.0.0.1', port: counterPort }, new DirectDialer());
    const received = collect(client);
    client.end(Buffer.alloc(1000));
    await relay;
    expect((await received).toString()).not.toContain('got');
  });
});

describe('relayUdp and StreamDatagramChannel', () => {
  it('one frame per datagram both ways; frames over 4096 bytes follow the reference reader', async () => {
    const [clientEnd, serverEnd] = framedPair();
    const stats = new ProxyStats();
    const relay = relayUdp(serverEnd, { host: '127.0.0.1', port: echo.port }, new DirectDialer(), { stats });
    const channel = new StreamDatagramChannel(clientEnd, { reader: 'client' });
    const received: Buffer[] = [];
    channel.onMessage((d) => received.push(Buffer.from(d)));
    const sizes = [1, 7, 1400, 4096];
    for (const size of sizes) expect(channel.send(Buffer.alloc(size, size & 0xff))).toBe(true);
    expect(channel.send(Buffer.alloc(4097))).toBe(false); // never written
    // A 5000-byte frame written by a non-conforming peer: the 4097-byte read is discarded,
    // the remaining 903 bytes go out as a datagram of their own.
    clientEnd.write(Buffer.alloc(5000, 9));
    const deadline = Date.now() + 2000;
    while (received.length < sizes.length + 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(received.map((d) => d.length)).toEqual([...sizes, 903]);
    expect(received[2].equals(Buffer.alloc(1400, 1400 & 0xff))).toBe(true);
    channel.close();
    expect(await relay).toEqual({ connected: true, error: undefined });
    expect(stats.activeUdpFlows).toBe(0);
    expect(stats.datagramsUp).toBe(5);
  });

  it('closes the stream when the target cannot be resolved', async () => {
    const [, serverEnd] = framedPair();
    const stats = new ProxyStats();
    const outcome = await relayUdp(serverEnd, { host: 'no-such-host.invalid', port: 53 }, new DirectDialer({ timeoutMs: 2000 }), { stats });
    expect(outcome.connected).toBe(false);
    expect(serverEnd.destroyed).toBe(true);
    expect(stats.errors['host-unreachable'] + stats.errors.timeout).toBe(1);
  });
});
