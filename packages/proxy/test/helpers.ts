// Real peers for the proxy tests: an HTTP server with a known 10 MB body, a UDP echo,
// curl as the SOCKS5 client, a minimal raw SOCKS5 client, and socket accounting.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export const BODY_SIZE = 10 * 1024 * 1024;

export interface BodyServer {
  server: HttpServer;
  port: number;
  sha256: string;
  close(): Promise<void>;
}

/** 127.0.0.1 HTTP server answering every GET with the same random 10 MB body. */
export async function startBodyServer(size = BODY_SIZE): Promise<BodyServer> {
  const body = randomBytes(size);
  const sha256 = createHash('sha256').update(body).digest('hex');
  const server = createHttpServer((_, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    sha256,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface UdpEcho {
  socket: UdpSocket;
  port: number;
  close(): Promise<void>;
}

/** UDP echo on `host` (prefixes nothing: echoes bytes back to the sender). */
export async function startUdpEcho(host = '127.0.0.1'): Promise<UdpEcho> {
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  socket.on('message', (datagram, from) => socket.send(datagram, from.port, from.address));
  await new Promise<void>((resolve) => socket.bind(0, host, resolve));
  return { socket, port: socket.address().port, close: () => new Promise((resolve) => socket.close(() => resolve())) };
}

export interface CurlResult {
  code: number;
  body: Buffer;
  stderr: string;
}

/** Runs /usr/bin/curl asynchronously (the proxy under test lives in this process). */
export function curl(args: string[]): Promise<CurlResult> {
  return new Promise((resolve) => {
    execFile('/usr/bin/curl', ['-sS', '--max-time', '20', ...args], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
      resolve({ code, body: stdout, stderr: stderr.toString() });
    });
  });
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A TCP client that collects everything it receives and reports when the peer closes. */
export class RawClient {
  readonly socket: Socket;
  private received: Buffer = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  closed = false;
  readonly closedPromise: Promise<void>;

  constructor(port: number, host = '127.0.0.1') {
    this.socket = connect({ port, host });
    this.socket.on('data', (chunk) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.notify();
    });
    this.socket.on('error', () => {});
    // The server closing its side (FIN or reset) is what the tests wait for.
    this.closedPromise = new Promise((resolve) => {
      const onGone = (): void => {
        this.closed = true;
        this.notify();
        resolve();
      };
      this.socket.once('end', onGone);
      this.socket.once('close', onGone);
    });
  }

  static async open(port: number, host = '127.0.0.1'): Promise<RawClient> {
    const client = new RawClient(port, host);
    await new Promise<void>((resolve, reject) => {
      client.socket.once('connect', resolve);
      client.socket.once('error', reject);
    });
    return client;
  }

  write(bytes: number[] | Uint8Array): void {
    this.socket.write(Uint8Array.from(bytes));
  }

  /** Resolves with the first `n` received bytes (consuming them), or what arrived before close. */
  async read(n: number, timeoutMs = 3000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < n && !this.closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const out = this.received.subarray(0, n);
    this.received = this.received.subarray(out.length);
    return Buffer.from(out);
  }

  /** Waits for the server to close the connection; resolves false on timeout. */
  async waitClosed(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const result = await Promise.race([this.closedPromise.then(() => true), timeout]);
    clearTimeout(timer);
    return result;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** No-auth greeting + CONNECT request for an IPv4 target; returns the connected client after the reply. */
export async function socksConnect(proxyPort: number, host: string, port: number): Promise<{ client: RawClient; reply: Buffer }> {
  const client = await RawClient.open(proxyPort);
  client.write([5, 1, 0]);
  const method = await client.read(2);
  if (method[1] !== 0) throw new Error(`method refused: ${method.toString('hex')}`);
  client.write([5, 1, 0, 1, ...host.split('.').map(Number), port >> 8, port & 0xff]);
  const reply = await client.read(10);
  return { client, reply };
}

/** Open sockets of this process, from the runtime's own resource list. */
export function openSocketCounts(): { tcp: number; udp: number } {
  const resources = process.getActiveResourcesInfo();
  return {
    tcp: resources.filter((r) => r === 'TCPSocketWrap').length,
    udp: resources.filter((r) => r === 'UDPWrap').length,
  };
}

/** Polls `predicate` until true or the timeout; returns its last value. */
export async function eventually(predicate: () => boolean, timeoutMs = 3000, stepMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate()) return true;
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
  return predicate();
}

/** A port on 127.0.0.1 with nothing listening (bound then released). */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
