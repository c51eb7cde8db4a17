/**
 * `dump -r FILE.pcap [-c FILE]`: every TCP segment with a payload as a dump
 * block; with a config also the decrypted KCP segments, smux frames and paqet
 * messages, then one summary per smux stream with its data.
 */
import { Ipv4Address, Ipv6Address, decodeInboundFrame, formatHostPort } from '@paqet/wire';
import { parsePcapFile } from '@paqet/wire/pcap';
import type { ResolvedConfig } from '../config/index.js';
import { cipherFactory, kcpConfig } from '../transport/kcp-options.js';
import { dumpBlock } from './hexdump.js';
import { SessionDecoder, describeMessage } from './session-decoder.js';
import { dataPreview } from './text-preview.js';

export function dumpCaptureFile(bytes: Uint8Array, config: ResolvedConfig | null, write: (s: string) => void): { packets: number; shown: number } {
  const pcap = parsePcapFile(bytes);
  const decoder = config ? new SessionDecoder(cipherFactory(config)(), kcpConfig(config).dshard > 0 && kcpConfig(config).pshard > 0) : null;
  const serverPort = config ? (config.role === 'server' ? config.network.port : config.server!.port) : 0;
  let shown = 0;
  for (const record of pcap.records) {
    const f = decodeInboundFrame(record.data);
    if (!f.ok || f.payloadLength === 0) continue;
    shown++;
    const src = formatHostPort(f.source!.address, f.source!.port);
    const dst = formatHostPort(destinationAddress(record.data, f.family), f.destinationPort);
    const time = new Date(record.timestampUs / 1000);
    const payload = f.payload;
    if (!decoder) {
      write(dumpBlock(time, src, dst, payload));
      continue;
    }
    const { lines } = decoder.decode(`${src} -> ${dst}`, payload, f.destinationPort === serverPort);
    write(dumpBlock(time, src, dst, payload).split('\n')[0] + '\n' + lines.map((l) => `  ${l}\n`).join(''));
  }
  if (decoder) {
    write(`\n=== smux streams (${decoder.streams.size}) ===\n`);
    for (const s of decoder.streams.values()) {
      const what = !s.fromClient
        ? 'server data'
        : s.message
          ? `paqet ${describeMessage(s.message, s.headerKind ?? 'binary')}`
          : s.headerError
            ? `malformed paqet header (${s.headerError})`
            : 'no paqet message (empty stream)';
      write(`stream ${s.sid} [${s.direction}]: ${what}, ${s.dataLength} data bytes${s.fin ? ', FIN' : ''}\n`);
      if (s.dataLength > 0) write(dataPreview(Buffer.concat(s.data), s.dataLength));
    }
  }
  return { packets: pcap.records.length, shown };
}

/** Destination IP text of a decoded IPv4/IPv6 frame (Ethernet, no VLAN). */
function destinationAddress(frame: Uint8Array, family: 0 | 4 | 6): string {
  if (family === 4) return Ipv4Address.fromBytes(frame, 30).text;
  if (family === 6) return Ipv6Address.fromBytes(frame, 38).text;
  return '?';
}
