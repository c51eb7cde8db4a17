/**
 * `metrics.listen`: Prometheus `/metrics`, `/healthz` (200 when the tunnel is up, 503 when
 * not), `/status` (a small live page) and `/status.json` (what the page polls).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SnapshotHistory } from './history.js';
import { tunnelRegistry } from './prometheus.js';
import type { TunnelSnapshot } from './snapshot.js';
import { STATUS_PAGE } from './status-page.js';

export interface MetricsServerOptions {
  readonly host: string;
  readonly port: number;
  readonly snapshot: () => TunnelSnapshot;
  /** Sampling period of the status page's history (default 2 s, 10 minutes kept). */
  readonly sampleMs?: number;
}

export class MetricsServer {
  private readonly server: Server;
  private readonly history: SnapshotHistory;
  private readonly timer: NodeJS.Timeout;

  private constructor(private readonly options: MetricsServerOptions) {
    const sampleMs = options.sampleMs ?? 2000;
    this.history = new SnapshotHistory(Math.ceil(600_000 / sampleMs));
    this.history.add(options.snapshot());
    this.timer = setInterval(() => this.history.add(options.snapshot()), sampleMs).unref();
    const registry = tunnelRegistry(options.snapshot);
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD' }).end();
      switch (path) {
        case '/metrics':
          registry.metrics().then(
            (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
            (err: Error) => res.writeHead(500).end(err.message),
          );
          return;
        case '/healthz': {
          const up = options.snapshot().up;
          res.writeHead(up ? 200 : 503, { 'content-type': 'text/plain' }).end(up ? 'ok\n' : 'tunnel down\n');
          return;
        }
        case '/status.json':
          res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
            .end(JSON.stringify({ now: options.snapshot(), history: this.history.list() }));
          return;
        case '/':
        case '/status':
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'" })
            .end(STATUS_PAGE);
          return;
        default:
          res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      }
    });
  }

  static async start(options: MetricsServerOptions): Promise<MetricsServer> {
    const m = new MetricsServer(options);
    await new Promise<void>((resolve, reject) => {
      m.server.once('error', reject);
      m.server.listen(options.port, options.host, () => {
        m.server.off('error', reject);
        resolve();
      });
    });
    return m;
  }

  get address(): AddressInfo {
    return this.server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
