import { KcpServer } from './kcp-server.js';
import type { KcpSession } from './kcp-session.js';
import type { KcpServerOptions } from './options.js';

/** A KCP server, like net.createServer: call `listen(port, host)` (or `listen({ conn })`) on it. */
export function createServer(options?: KcpServerOptions, onSession?: (session: KcpSession) => void): KcpServer {
  return new KcpServer(options, onSession);
}
