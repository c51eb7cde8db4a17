/**
 * Prometheus metrics from a TunnelSnapshot with prom-client. Values are read at scrape
 * time (collect), so the data path pays nothing for them.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { TunnelSnapshot } from './snapshot.js';

export function tunnelRegistry(snapshot: () => TunnelSnapshot): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'paqet_' });
  // One snapshot per scrape, shared by every metric's collect().
  let cached: { at: number; s: TunnelSnapshot } | null = null;
  const snap = () => {
    const now = Date.now();
    if (!cached || now - cached.at > 100) cached = { at: now, s: snapshot() };
    return cached.s;
  };
  const gauge = (name: string, help: string, read: (s: TunnelSnapshot) => number | null) =>
    new Gauge({
      name, help, registers: [registry],
      collect() {
        const v = read(snap());
        if (v === null) this.reset();
        else this.set(v);
      },
    });
  const counter = (name: string, help: string, read: (s: TunnelSnapshot) => number) =>
    new Counter({
      name, help, registers: [registry],
      collect() {
        this.reset();
        this.inc(read(snap()));
      },
    });
  // An in/out pair as one counter with a `direction` label.
  const directionCounter = (name: string, help: string, readIn: (s: TunnelSnapshot) => number, readOut: (s: TunnelSnapshot) => number) =>
    new Counter({
      name, help, labelNames: ['direction'], registers: [registry],
      collect() {
        const s = snap();
        this.reset();
        this.inc({ direction: 'in' }, readIn(s));
        this.inc({ direction: 'out' }, readOut(s));
      },
    });
  gauge('paqet_tunnel_up', '1 when the tunnel is up (client: a live session; server: listening)', (s) => (s.up ? 1 : 0));
  gauge('paqet_sessions', 'Live KCP sessions', (s) => s.sessions);
  gauge('paqet_streams', 'Open smux streams', (s) => s.streams);
  gauge('paqet_rtt_seconds', 'Mean smoothed RTT of the live sessions', (s) => (s.rttMs === null ? null : s.rttMs / 1000));
  directionCounter('paqet_packets_total', 'Datagrams through the raw socket', (s) => s.packetsIn, (s) => s.packetsOut);
  directionCounter('paqet_bytes_total', 'Datagram payload bytes through the raw socket', (s) => s.bytesIn, (s) => s.bytesOut);
  new Counter({
    name: 'paqet_drops_total', help: 'Inbound frames and datagrams dropped, by reason', labelNames: ['reason'], registers: [registry],
    collect() {
      this.reset();
      for (const [reason, n] of Object.entries(snap().drops)) this.inc({ reason }, n);
    },
  });
  counter('paqet_retransmissions_total', 'KCP segments sent again (timeout, fast and early)', (s) => s.retransmissions);
  counter('paqet_fec_recovered_total', 'Datagrams rebuilt by FEC', (s) => s.fecRecovered);
  counter('paqet_socks5_connections_total', 'SOCKS5 connections accepted', (s) => s.socks5Connections);
  counter('paqet_forward_connections_total', 'Port-forward connections accepted', (s) => s.forwardConnections);
  counter('paqet_reconnects_total', 'Sessions re-dialled after a loss', (s) => s.reconnects);
  return registry;
}
