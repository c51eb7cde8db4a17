// A raw-packet tunnel without the paqet app: KCP datagrams ride in crafted TCP segments
// through @paqet/rawsock's pcap socket (no kernel TCP connection), encrypted, with smux
// streams on top. The server echoes every stream; the client sends data and checks it.
// Needs root (or CAP_NET_RAW + CAP_NET_ADMIN) and paqet's iptables rules (docs/operations.md).
//   node tunnel.mjs server <iface> <local-ip> <port> <router-mac> <key>
//   node tunnel.mjs client <iface> <local-ip> <router-mac> <server-ip:port> <key> [megabytes]
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { SmuxSession, connect, createServer } from '@paqet/kcp';
import { PcapPacketConn } from '@paqet/rawsock';
import { parseHostPort } from '@paqet/wire';

const [role, iface, ip, ...rest] = process.argv.slice(2);

if (role === 'server') {
  const [port, routerMac, key] = rest;
  const conn = new PcapPacketConn({ interface: iface, ipv4: { addr: ip, port: Number(port), routerMac } });
  const server = createServer({ block: 'aes', key }, (session) => {
    SmuxSession.server(session).on('stream', (stream) => stream.pipe(stream));
  });
  await once(server.listen({ conn }), 'listening');
  console.log(`listening on ${ip}:${conn.port} (${iface})`);
  process.on('SIGTERM', () => (server.close(), process.exit(0)));
} else if (role === 'client') {
  const [routerMac, serverText, key, megabytes = '2'] = rest;
  const { host, port } = parseHostPort(serverText, 65535);
  const conn = new PcapPacketConn({ interface: iface, ipv4: { addr: ip, port: 0, routerMac } });
  const session = connect({ conn, remote: { address: host, port }, block: 'aes', key, ownsConn: true });
  const mux = SmuxSession.client(session);
  const data = randomBytes(Number(megabytes) * 1024 * 1024);
  const stream = mux.openStream();
  const hash = createHash('sha256');
  let got = 0;
  const started = performance.now();
  const echoed = new Promise((resolve) =>
    stream.on('data', (chunk) => {
      hash.update(chunk);
      if ((got += chunk.length) === data.length) resolve();
    }),
  );
  stream.write(data);
  await echoed;
  const seconds = (performance.now() - started) / 1000;
  const ok = hash.digest('hex') === createHash('sha256').update(data).digest('hex');
  console.log(`echoed ${got} bytes through raw packets in ${seconds.toFixed(2)} s from port ${conn.port}, sha256 ${ok ? 'ok' : 'MISMATCH'}`);
  mux.close();
  process.exit(ok ? 0 : 1);
} else {
  console.error('usage: tunnel.mjs server <iface> <ip> <port> <router-mac> <key> | client <iface> <ip> <router-mac> <server-ip:port> <key> [MB]');
  process.exitCode = 2;
}
