import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { decodeInboundFrame, formatHostPort } from '@paqet/wire';
import { assemblePcapFileHeader, assemblePcapRecordHeader } from '@paqet/wire/pcap';
import { configFlag, type Command, type CommandContext } from '../cli/command.js';
import { dumpCaptureFile } from '../dump/read-capture.js';
import { dumpBlock } from '../dump/hexdump.js';
import { SessionDecoder } from '../dump/session-decoder.js';
import { shutdownSignal } from '../signals.js';
import { cipherFactory, kcpConfig } from '../transport/kcp-options.js';
import { FrameCapture } from '../transport/frame-capture.js';
import { loadForCommand, requireRole } from './load-for-command.js';

/** For -r the config only supplies keys: interfaces of another machine need not exist here. */
const offlineInterface = (name: string) => ({ name, mac: '02:00:00:00:00:00', addresses: null });

async function readCapture(ctx: CommandContext, file: string): Promise<number> {
  const configPath = ctx.flags.config;
  let config = null;
  if (configPath && existsSync(configPath)) {
    const loaded = await loadForCommand(ctx, { findInterface: offlineInterface });
    if (!loaded) return 1;
    config = loaded.config;
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (err) {
    ctx.stdlog.print(`failed to read pcap file: ${(err as Error).message}`);
    return 1;
  }
  try {
    const r = dumpCaptureFile(bytes, config, (s) => ctx.stdout.write(s));
    ctx.stdlog.print(`read ${r.packets} packets from ${file}, ${r.shown} with payload${config ? ` (decoded with ${configPath}, block ${kcpConfig(config).block})` : ''}`);
    return 0;
  } catch (err) {
    ctx.stdlog.print(`failed to read pcap file: ${(err as Error).message}`);
    return 1;
  }
}

export const dumpCommand: Command = {
  name: 'dump',
  short: 'A raw packet dumper that logs TCP payloads for a given port',
  long: 'Prints the payload of every inbound TCP segment on the server port as a hex dump. With -r it reads a pcap file instead of the interface; with a config it also decrypts and decodes KCP, smux and paqet headers (-d for live traffic). -w also writes the captured frames to a pcap file.',
  flags: [
    { ...configFlag, help: 'Path to the configuration file.' },
    { name: 'read', short: 'r', kind: 'string', help: 'Read packets from a pcap file instead of the interface' },
    { name: 'write', short: 'w', kind: 'string', help: 'Also write captured packets to a pcap file' },
    { name: 'decode', short: 'd', kind: 'boolean', help: 'Also decrypt and decode KCP, smux and paqet messages of live packets' },
  ],
  async run(ctx) {
    if (ctx.flags.read) return readCapture(ctx, ctx.flags.read);
    const loaded = await loadForCommand(ctx);
    if (!loaded) return 1;
    if (!requireRole(ctx, loaded, 'server', 'dump')) return 1;
    const config = loaded.config;
    const listenText = config.listen?.text ?? `:${config.network.port}`;
    const decoder = ctx.flags.decode ? new SessionDecoder(cipherFactory(config)(), kcpConfig(config).dshard > 0 && kcpConfig(config).pshard > 0) : null;
    let out: number | null = null;
    if (ctx.flags.write) {
      try {
        out = openSync(ctx.flags.write, 'w');
        writeSync(out, assemblePcapFileHeader());
      } catch (err) {
        ctx.stdlog.print(`failed to open ${ctx.flags.write}: ${(err as Error).message}`);
        return 1;
      }
    }
    let capture: FrameCapture;
    try {
      capture = new FrameCapture(config.network.interface, config.network.port, (frame) => {
        const now = new Date();
        if (out !== null) {
          writeSync(out, assemblePcapRecordHeader(now.getTime() * 1000, frame.length));
          writeSync(out, frame);
        }
        const f = decodeInboundFrame(frame, config.network.port);
        if (!f.ok || f.payloadLength === 0) return;
        const src = formatHostPort(f.source!.address, f.source!.port);
        let block = dumpBlock(now, src, listenText, f.payload);
        if (decoder) block += decoder.decode(src, Uint8Array.from(f.payload), true).lines.map((l) => `  ${l}\n`).join('');
        ctx.stdout.write(block);
      });
    } catch (err) {
      if (out !== null) closeSync(out);
      ctx.stdlog.print(`failed to create raw socket: ${(err as Error).message}`);
      return 1;
    }
    ctx.stdlog.print(`listening for packets on ${listenText}, (Press Ctrl+C to exit)`);
    const shutdown = shutdownSignal(ctx.stdlog, 'shutdown signal received, exiting');
    await new Promise<void>((resolve) => shutdown.signal.addEventListener('abort', () => resolve(), { once: true }));
    shutdown.dispose();
    capture.close();
    if (out !== null) closeSync(out);
    return 0;
  },
};
