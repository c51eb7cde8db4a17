export * from './frame.js';
export { SmuxStream, SMUX_INITIAL_PEER_WINDOW } from './stream.js';
export { SmuxSession, PAQET_SMUX_CONFIG, SMUX_ACCEPT_BACKLOG, type SmuxConfig, type SmuxSessionOptions } from './session.js';
export type { MuxTransport, MuxTransportHandlers } from './transport.js';
