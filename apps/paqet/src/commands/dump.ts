import { configFlag, NotWiredError, type Command } from '../cli/command.js';
import { openPacketConn } from '../transport/packet-conn.js';
import { loadForCommand, requireRole } from './load-for-command.js';

export const dumpCommand: Command = {
  name: 'dump',
  short: 'A raw packet dumper that logs TCP payloads for a given port',
  long: 'Prints the payload of every inbound TCP segment on the server port as a hex dump. With -r it reads a pcap file instead of the interface; with a config it also decrypts and decodes KCP, smux and paqet headers.',
  flags: [
    { ...configFlag, help: 'Path to the configuration file.' },
    { name: 'read', short: 'r', kind: 'string', help: 'Read packets from a pcap file instead of the interface' },
    { name: 'write', short: 'w', kind: 'string', help: 'Also write captured packets to a pcap file' },
  ],
  async run(ctx) {
    if (ctx.flags.read) {
      ctx.stdlog.print(`dump -r ${ctx.flags.read}: ${new NotWiredError('pcap file decoding').message}`);
      return 1;
    }
    const loaded = await loadForCommand(ctx);
    if (!loaded) return 1;
    if (!requireRole(ctx, loaded, 'server', 'dump')) return 1;
    try {
      const conn = await openPacketConn(loaded.config);
      void conn; // the lead adds the read loop printing dumpBlock() per segment (cli.md 4)
    } catch (err) {
      ctx.stdlog.print(`failed to create raw socket: ${(err as Error).message}`);
      return 1;
    }
    return 0;
  },
};
