/**
 * Where the client and server start. The transport (@paqet/rawsock PacketConn,
 * @paqet/kcp sessions + smux, @paqet/proxy listeners and relays) is wired here
 * by the lead; until then both entry points refuse with NotWiredError.
 */
import { NotWiredError } from '../cli/command.js';
import type { ResolvedConfig } from '../config/index.js';
import type { Logger } from '../log/logger.js';

export interface DaemonDeps {
  readonly logger: Logger;
  /** Aborted on SIGINT/SIGTERM; the daemon resolves once everything is closed. */
  readonly signal: AbortSignal;
}

/** Resolves after a clean shutdown; rejects with the error that stopped it. */
export async function runClient(config: ResolvedConfig, deps: DaemonDeps): Promise<void> {
  void config;
  void deps;
  throw new NotWiredError('client transport (KCP over raw packets, SOCKS5 and forwards)');
}

export async function runServer(config: ResolvedConfig, deps: DaemonDeps): Promise<void> {
  void config;
  void deps;
  throw new NotWiredError('could not start KCP listener: server transport');
}
