/**
 * transport.protocol kcp+quic: one server PacketConn carries KCP and QUIC
 * clients at once (split by sender, a new sender by whether it opens with a
 * QUIC v1 Initial). Over the in-memory network: a KCP client and a QUIC client
 * each echo 1 MB by sha256 at the same time; datagrams that merely look like a
 * QUIC Initial never take a KCP client's endpoint away from KCP.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryNetwork } from '@paqet/testkit';
import { looksLikeQuicInitial } from '@paqet/quic';
import type { Transport } from '@paqet/wire';
import { loadConfigText, type ResolvedConfig } from '../src/config/index.js';
import { dialTransport, TransportListener } from '../src/transport/transport.js';
import { offlineEnv } from './helpers.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const NETWORK = 'network: { interface: eth0, ipv4: { addr: "10.0.0.1:9999", router_mac: "aa:bb:cc:dd:ee:ff" } }';
const KCP = 'kcp: { block: aes, key: split-secret }';
const QUIC = 'quic: { insecure_skip_verify: true }';

async function config(role: 'server' | 'client', protocol: string): Promise<ResolvedConfig> {
  const head = role === 'server' ? 'role: server\nlisten: { addr: ":9999" }' : 'role: client\nserver: { addr: "10.0.0.1:9999" }\nsocks5: [{ listen: "127.0.0.1:1080" }]';
  const network = role === 'client' ? NETWORK.replace('10.0.0.1:9999', '10.0.0.2:0') : NETWORK;
  const text = `${head}\n${network}\ntransport:\n  protocol: "${protocol}"\n  ${KCP}\n  ${QUIC}\n`;
  return (await loadConfigText(text, `${role}-${protocol}.yaml`, offlineEnv)).config;
}

function echo(t: Transport): void {
  void (async () => {
    for (;;) {
      const s = await t.acceptStream();
      if (!s) return;
      s.on('error', () => {});
      s.pipe(s);
    }
  })();
}

/** Writes `data` and reads the echo; with smux (FIN closes both ways) the client ends only after reading. */
async function echoRoundTrip(t: Transport, data: Buffer): Promise<Buffer> {
  const s = t.openStream();
  const got: Buffer[] = [];
  let n = 0;
  const done = new Promise<Buffer>((resolve, reject) => {
    s.on('data', (d: Buffer) => {
      got.push(d);
      n += d.length;
      if (n >= data.length) resolve(Buffer.concat(got));
    });
    s.once('error', reject);
  });
  s.write(data);
  const result = await done;
  s.end();
  return result;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

describe('transport.protocol kcp+quic: KCP and QUIC clients on one server port', () => {
  it('a KCP client and a QUIC client each echo 1 MB at once, by sha256', async () => {
    const network = new MemoryNetwork({ conditions: { mtu: 1400 } });
    const serverConn = network.bind({ address: '10.0.0.1', port: 9999 });
    const listener = new TransportListener(await config('server', 'kcp+quic'), serverConn);
    cleanups.push(() => listener.close());
    const accepted: Transport[] = [];
    listener.on('transport', (t: Transport) => {
      accepted.push(t);
      echo(t);
    });
    const server = { address: '10.0.0.1', port: 9999 };
    const kcpClient = dialTransport(await config('client', 'kcp'), network.bind({ address: '10.0.0.2' }), server, { ownsConn: true });
    const quicClient = dialTransport(await config('client', 'quic'), network.bind({ address: '10.0.0.3' }), server, { ownsConn: true });
    cleanups.push(() => kcpClient.close(), () => quicClient.close());
    const up = randomBytes(1 << 20);
    const [viaKcp, viaQuic] = await Promise.all([echoRoundTrip(kcpClient, up), echoRoundTrip(quicClient, up)]);
    expect(sha256(viaKcp)).toBe(sha256(up));
    expect(sha256(viaQuic)).toBe(sha256(up));
    expect(accepted.map((t) => t.halfClose).sort()).toEqual([false, true]); // one smux, one QUIC
    expect(listener.drops).toMatchObject({ 'quic-unknown': 0, 'quic-shortInitial': 0 });
  });

  it('datagrams that look like a QUIC Initial stay with KCP when a KCP session has the endpoint', async () => {
    const network = new MemoryNetwork({ conditions: { mtu: 1400 } });
    const serverConn = network.bind({ address: '10.0.0.1', port: 9999 });
    const listener = new TransportListener(await config('server', 'kcp+quic'), serverConn);
    cleanups.push(() => listener.close());
    listener.on('transport', echo);
    const clientConn = network.bind({ address: '10.0.0.2' });
    const kcpClient = dialTransport(await config('client', 'kcp'), clientConn, { address: '10.0.0.1', port: 9999 }, { ownsConn: true });
    cleanups.push(() => kcpClient.close());
    expect(String(await echoRoundTrip(kcpClient, Buffer.from('before')))).toBe('before');
    const kcpDrops = () => Object.entries(listener.drops).filter(([k]) => k.startsWith('kcp-')).reduce((n, [, v]) => n + v, 0);
    const dropsBefore = kcpDrops();
    // From the KCP client's own endpoint: the first bytes of a QUIC v1 Initial, then noise.
    // A fresh copy per send (a receiver may decrypt in place); its connection-id length (0xff) is impossible.
    const lookalike = () => Buffer.concat([Buffer.from([0xc3, 0, 0, 0, 1, 0xff]), randomBytes(1194)]);
    expect(looksLikeQuicInitial(lookalike())).toBe(true);
    const rawSender = network.bind({ address: '10.0.0.4' });
    cleanups.push(() => rawSender.close());
    for (let i = 0; i < 5; i++) network.transmit(clientConn.localEndpoint, lookalike(), { address: '10.0.0.1', port: 9999 });
    await new Promise((r) => setTimeout(r, 50));
    expect(kcpDrops() - dropsBefore).toBe(5); // KCP's cipher check refused them
    expect(String(await echoRoundTrip(kcpClient, Buffer.from('after')))).toBe('after');
    expect(listener.drops['quic-unknown']).toBe(0);
    // The same bytes from a new endpoint go to QUIC, which refuses them (not a real Initial).
    rawSender.send(lookalike(), { address: '10.0.0.1', port: 9999 });
    await new Promise((r) => setTimeout(r, 50));
    expect(kcpDrops() - dropsBefore).toBe(5);
    expect(listener.drops['quic-unknown']).toBe(1);
  });
});
