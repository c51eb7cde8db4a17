// curl, a real SOCKS5 client, fetches a 10 MB body through the server: IPv4 CONNECT
// (--socks5), domain CONNECT (--socks5-hostname), with and without RFC 1929 auth.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectDialer, Socks5Server } from '@paqet/proxy';
import { BODY_SIZE, curl, eventually, sha256, startBodyServer, type BodyServer } from './helpers.js';

let origin: BodyServer;
let open: Socks5Server;
let authed: Socks5Server;
let openPort: number;
let authedPort: number;

beforeAll(async () => {
  origin = await startBodyServer();
  open = new Socks5Server({ listen: '127.0.0.1:0', dialer: new DirectDialer() });
  authed = new Socks5Server({ listen: '127.0.0.1:0', dialer: new DirectDialer(), username: 'alice', password: 's3cret' });
  openPort = (await open.listen()).port;
  authedPort = (await authed.listen()).port;
});

afterAll(async () => {
  await open.close();
  await authed.close();
  await origin.close();
});

describe('curl through Socks5Server', () => {
  it('--socks5 (IPv4 CONNECT) fetches 10 MB intact', async () => {
    const result = await curl(['--socks5', `127.0.0.1:${openPort}`, `http://127.0.0.1:${origin.port}/`]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.body.length).toBe(BODY_SIZE);
    expect(sha256(result.body)).toBe(origin.sha256);
  });

  it('--socks5-hostname (domain CONNECT, resolved by the dialer) fetches 10 MB intact', async () => {
    const result = await curl(['--socks5-hostname', `127.0.0.1:${openPort}`, `http://localhost:${origin.port}/`]);
    expect(result.code).toBe(0);
    expect(sha256(result.body)).toBe(origin.sha256);
  });

  it('with username/password, both address forms', async () => {
    for (const flag of ['--socks5', '--socks5-hostname']) {
      const host = flag === '--socks5' ? '127.0.0.1' : 'localhost';
      const result = await curl([flag, `127.0.0.1:${authedPort}`, '--proxy-user', 'alice:s3cret', `http://${host}:${origin.port}/`]);
      expect(result.code).toBe(0);
      expect(sha256(result.body)).toBe(origin.sha256);
    }
  });

  it('wrong password is refused, and no-auth is refused when auth is configured', async () => {
    const before = authed.stats.errors.auth;
    const wrong = await curl(['--socks5', `127.0.0.1:${authedPort}`, '--proxy-user', 'alice:nope', `http://127.0.0.1:${origin.port}/`]);
    expect(wrong.code).toBe(97); // CURLE_PROXY: authentication failed
    const none = await curl(['--socks5', `127.0.0.1:${authedPort}`, `http://127.0.0.1:${origin.port}/`]);
    expect(none.code).not.toBe(0);
    expect(none.body.length).toBe(0);
    expect(authed.stats.errors.auth).toBe(before + 2);
  });

  it('counts bytes and returns to zero active connections', async () => {
    expect(open.stats.bytesDown).toBeGreaterThanOrEqual(2 * BODY_SIZE);
    expect(await eventually(() => open.connectionCount === 0 && open.stats.activeConnections === 0)).toBe(true);
  });
});
