/** Where the client and server start (apps/paqet/README.md). */
export { runClient, PaqetClient, StartupError, UDP_STREAM_IDLE_MS, type ClientDeps } from './client.js';
export { runServer, PaqetServer, SERVER_DIAL_TIMEOUT_MS, type ServerCounters, type ServerDeps } from './server.js';
export type { DaemonDeps } from './types.js';
