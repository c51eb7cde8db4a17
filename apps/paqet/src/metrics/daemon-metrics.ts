/** Starts the metrics/status server when `metrics.listen` is set, and says where it is. */
import type { ResolvedConfig } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import { MetricsServer } from './server.js';
import type { TunnelSnapshot } from './snapshot.js';

export async function startMetrics(config: ResolvedConfig, logger: Logger, snapshot: () => TunnelSnapshot): Promise<MetricsServer | null> {
  const listen = config.metrics.listen;
  if (!listen) return null;
  const server = await MetricsServer.start({ host: listen.host, port: listen.port, snapshot });
  const shown = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  logger.info('metrics on http://%s:%d/metrics, status page on /status, health on /healthz', shown, server.address.port);
  return server;
}
