// CONNECT cost through the direct dialer: bulk throughput (MB/s = hz × 32) against a
// direct baseline, and complete connections per second (greeting, CONNECT, reply, close).
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { DirectDialer, Socks5Server } from '../src/index.js';

const PAYLOAD_MB = 32;
const chunk = Buffer.alloc(64 * 1024, 7);
let source: ReturnType<typeof createServer>;
let sourcePort: number;
/** Accepts and closes at once: the target for the connections/s bench. */
let quick: ReturnType<typeof createServer>;
let quickPort: number;
let proxy: Socks5Server;
let proxyPort: number;

beforeAll(async () => {
  // Sends PAYLOAD_MB MiB to every connection, then closes.
  source = createServer((socket) => {
    let left = (PAYLOAD_MB * 1024 * 1024) / chunk.length;
    const pump = (): void => {
      while (left > 0) {
        left--;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
      socket.end();
    };
    socket.on('error', () => {});
    pump();
  });
  await new Promise<void>((resolve) => source.listen(0, '127.0.0.1', resolve));
  sourcePort = (source.address() as AddressInfo).port;
  quick = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => quick.listen(0, '127.0.0.1', resolve));
  quickPort = (quick.address() as AddressInfo).port;
  proxy = new Socks5Server({ listen: '127.0.0.1:0', dialer: new DirectDialer() });
  proxyPort = (await proxy.listen()).port;
});

afterAll(async () => {
  await proxy.close();
  await new Promise((resolve) => source.close(resolve));
  await new Promise((resolve) => quick.close(resolve));
});

/** Opens a CONNECT to the source through the proxy; resolves with the socket after the 10-byte reply. */
function socksOpen(targetPort: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(proxyPort, '127.0.0.1');
    let stage = 0;
    let got = Buffer.alloc(0);
    const onData = (data: Buffer): void => {
      got = Buffer.concat([got, data]);
      if (stage === 0 && got.length >= 2) {
        got = got.subarray(2);
        stage = 1;
        socket.write(Buffer.from([5, 1, 0, 1, 127, 0, 0, 1, targetPort >> 8, targetPort & 0xff]));
      }
      if (stage === 1 && got.length >= 10) {
        if (got[1] !== 0) return reject(new Error(`reply ${got[1]}`));
        socket.off('data', onData);
        if (got.length > 10) socket.unshift(got.subarray(10));
        resolve(socket);
      }
    };
    socket.on('data', onData);
    socket.on('error', reject);
    socket.write(Buffer.from([5, 1, 0]));
  });
}

function drain(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    socket.on('data', () => {});
    socket.once('close', () => resolve());
  });
}

describe(`download ${PAYLOAD_MB} MiB (MB/s = hz × ${PAYLOAD_MB})`, () => {
  bench('direct TCP (baseline)', async () => {
    await drain(connect(sourcePort, '127.0.0.1'));
  }, { time: 3000, warmupIterations: 1 });

  bench('through Socks5Server CONNECT', async () => {
    await drain(await socksOpen(sourcePort));
  }, { time: 3000, warmupIterations: 1 });
});

describe('connections per second', () => {
  bench('SOCKS5 CONNECT + reply + close', async () => {
    await drain(await socksOpen(quickPort));
  }, { time: 3000 });
});
