/**
 * The Prometheus exposition of one fixed TunnelSnapshot, exactly: every paqet_ metric the
 * daemon defines (names, help, labels, order, values). Node's default metrics are left out
 * (they move with the process).
 */
import { describe, expect, it } from 'vitest';
import { tunnelRegistry } from '../src/metrics/prometheus.js';
import type { TunnelSnapshot } from '../src/metrics/snapshot.js';

const SNAPSHOT: TunnelSnapshot = {
  role: 'client', up: true, sessions: 2, streams: 5, rttMs: 42,
  packetsIn: 101, packetsOut: 202, bytesIn: 30_303, bytesOut: 40_404,
  drops: { decrypt: 3, 'kcp.conv': 1 },
  retransmissions: 7, fecRecovered: 8, socks5Connections: 9, forwardConnections: 10, reconnects: 11,
};

const EXPECTED = `# HELP paqet_tunnel_up 1 when the tunnel is up (client: a live session; server: listening)
# TYPE paqet_tunnel_up gauge
paqet_tunnel_up 1

# HELP paqet_sessions Live KCP sessions
# TYPE paqet_sessions gauge
paqet_sessions 2

# HELP paqet_streams Open smux streams
# TYPE paqet_streams gauge
paqet_streams 5

# HELP paqet_rtt_seconds Mean smoothed RTT of the live sessions
# TYPE paqet_rtt_seconds gauge
paqet_rtt_seconds 0.042

# HELP paqet_packets_total Datagrams through the raw socket
# TYPE paqet_packets_total counter
paqet_packets_total{direction="in"} 101
paqet_packets_total{direction="out"} 202

# HELP paqet_bytes_total Datagram payload bytes through the raw socket
# TYPE paqet_bytes_total counter
paqet_bytes_total{direction="in"} 30303
paqet_bytes_total{direction="out"} 40404

# HELP paqet_drops_total Inbound frames and datagrams dropped, by reason
# TYPE paqet_drops_total counter
paqet_drops_total{reason="decrypt"} 3
paqet_drops_total{reason="kcp.conv"} 1

# HELP paqet_retransmissions_total KCP segments sent again (timeout, fast and early)
# TYPE paqet_retransmissions_total counter
paqet_retransmissions_total 7

# HELP paqet_fec_recovered_total Datagrams rebuilt by FEC
# TYPE paqet_fec_recovered_total counter
paqet_fec_recovered_total 8

# HELP paqet_socks5_connections_total SOCKS5 connections accepted
# TYPE paqet_socks5_connections_total counter
paqet_socks5_connections_total 9

# HELP paqet_forward_connections_total Port-forward connections accepted
# TYPE paqet_forward_connections_total counter
paqet_forward_connections_total 10

# HELP paqet_reconnects_total Sessions re-dialled after a loss
# TYPE paqet_reconnects_total counter
paqet_reconnects_total 11`;

/** The exposition without Node's default metrics (process_*, nodejs_*). */
function tunnelMetricsOnly(text: string): string {
  return text.split('\n\n')
    .filter((block) => !/^# HELP paqet_(process|nodejs)_/.test(block))
    .join('\n\n').trim();
}

describe('tunnelRegistry exposition', () => {
  it('renders every tunnel metric of a fixed snapshot exactly', async () => {
    const text = await tunnelRegistry(() => SNAPSHOT).metrics();
    expect(tunnelMetricsOnly(text)).toBe(EXPECTED);
  });
});
