export * from './clock.js';
export * from './options.js';
export { KcpSession, connect, KCP_END_LINGER_MS } from './kcp-session.js';
export { KcpServer, KCP_ACCEPT_BACKLOG, type KcpServerAddress } from './kcp-server.js';
export type { KcpDropReason, KcpSessionStats } from './conversation.js';
export type { FitWindows, PathStats } from './path-fit.js';
export { createServer } from './create-server.js';
