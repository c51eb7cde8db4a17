/**
 * Opening the raw-packet PacketConn for `ping` and `dump` from a resolved
 * config. The lead replaces the body with @paqet/rawsock; the commands
 * already handle its failure the way the reference program does.
 */
import type { PacketConn } from '@paqet/wire';
import { NotWiredError } from '../cli/command.js';
import type { ResolvedConfig } from '../config/index.js';

export async function openPacketConn(config: ResolvedConfig): Promise<PacketConn> {
  void config;
  throw new NotWiredError('raw socket transport (@paqet/rawsock)');
}
