import { configFlag, type Command } from '../cli/command.js';
import { openPacketConn } from '../transport/packet-conn.js';
import { loadForCommand, requireRole } from './load-for-command.js';

export const pingCommand: Command = {
  name: 'ping',
  short: 'Sends a single raw TCP packet with a custom payload',
  long: 'Sends one crafted TCP segment carrying the payload from the client\'s network settings to server.addr; watch for it with `paqet dump` on the server.',
  flags: [configFlag, { name: 'payload', kind: 'string', default: 'PING', help: 'Payload to put in the TCP packet' }],
  async run(ctx) {
    const loaded = await loadForCommand(ctx);
    if (!loaded) return 1;
    if (!requireRole(ctx, loaded, 'client', 'ping')) return 1;
    const { config } = loaded;
    let conn;
    try {
      conn = await openPacketConn(config);
    } catch (err) {
      ctx.stdlog.print(`failed to create raw socket: ${(err as Error).message}`);
      return 1;
    }
    const payload = new TextEncoder().encode(ctx.flags.payload ?? 'PING');
    const n = config.network;
    ctx.stdlog.print(`sending packet from IPv4:${n.ipv4?.addr.text ?? '<nil>'} IPv6:${n.ipv6?.addr.text ?? '<nil>'} to ${config.server!.text} via ${n.interface}`);
    ctx.stdlog.print(`payload: ${JSON.stringify(ctx.flags.payload ?? 'PING')} (${payload.length} bytes)`);
    try {
      // One segment with the first local flag (a fresh envelope starts its rotation at index 0).
      const server = config.server!;
      const before = conn.counters.packetsOut;
      conn.send(payload, { address: server.ip!, port: server.port });
      conn.flush(); // the afpacket backend batches sends until the end of the turn
      if (conn.counters.packetsOut === before) throw new Error(`injection failed (${JSON.stringify(conn.counters.dropped)})`);
    } catch (err) {
      ctx.stdlog.print(`failed to send packet: ${(err as Error).message}`);
      return 1;
    } finally {
      conn.close();
    }
    ctx.stdlog.print('packet sent successfully');
    return 0;
  },
};
