/**
 * Loads the AF_PACKET addon (native/afpacket.cc, built at install by native/build.mjs)
 * lazily, so importing @paqet/rawsock never fails where it is not built.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RawsockError, RawsockErrorCode } from './errors.js';

export interface AfPacketNativeOptions {
  interface: string;
  /** libpcap filter expression, compiled by the addon with pcap_compile. */
  filter: string;
  /** The ring: blockCount blocks of blockSize bytes (whole pages), each tiled by slots of frameSize bytes. */
  blockSize: number;
  blockCount: number;
  frameSize: number;
  /** Received frames are copied here; rxMeta holds (offset, length) pairs, length < 0 = truncated. */
  rxArena: Buffer;
  rxMeta: Int32Array;
  /**
   * Frames to send are read from here; txMeta holds (offset, length, tcpOffset) triples. A
   * tcpOffset > 0 says the TCP checksum there holds the pseudo-header sum, to be finished natively.
   */
  txArena: Buffer;
  txMeta: Int32Array;
  /** SO_SNDBUF in bytes (0 = kernel default). */
  sndbuf: number;
}

export interface AfPacketNativeStats {
  kernelPackets: number;
  kernelDrops: number;
  framesIn: number;
  /** Readable events drained (each one batch or more). */
  drains: number;
  batches: number;
  ringErrors: number;
  sendCalls: number;
  sendErrors: number;
  lastSendErrno: number;
  /** Socket errors the receive poll reported (ENETDOWN when the link went down), each cleared and polled again. */
  pollErrors: number;
  lastPollErrno: number;
}

export interface AfPacketNativeSocket {
  /** Sends the first `count` frames described by txMeta in one sendmmsg batch; returns how many the kernel took. */
  send(count: number): number;
  close(): void;
  stats(): AfPacketNativeStats;
}

export interface AfPacketModule {
  AfPacketSocket: new (options: AfPacketNativeOptions, onBatch: (count: number) => void) => AfPacketNativeSocket;
  /** The receive ring's frame reader on a slot a test built: the frame as [offset, length, truncated]; ok = the header is sound. */
  readFrame(slot: Buffer): { frame: [number, number, boolean] | null; ok: boolean };
  /** For tests: what send() does to one (offset, length, tcpOffset) triple; false = refused, nothing written. */
  prepareTxFrame(arena: Buffer, offset: number, length: number, tcpOffset: number): boolean;
}

let loaded: AfPacketModule | undefined;
let loadError: Error | undefined;

/** The package root, found from this module's location (src/, dist/ or a bundle under the package). */
function packageRoot(): string | undefined {
  const here = import.meta.url ?? (typeof __filename === 'string' ? __filename : undefined);
  if (!here) return undefined;
  try {
    return dirname(createRequire(here).resolve('@paqet/rawsock/package.json'));
  } catch {
    return undefined;
  }
}

/** The addon, or an error saying why it cannot be used here. */
export function loadAfPacket(): AfPacketModule {
  if (loaded) return loaded;
  if (loadError) throw loadError;
  if (process.platform !== 'linux') {
    loadError = new RawsockError(RawsockErrorCode.BackendUnavailable, `the afpacket backend needs Linux (this is ${process.platform}); use backend 'pcap'`);
    throw loadError;
  }
  const root = packageRoot();
  const file = root ? join(root, 'native/build/Release/afpacket.node') : undefined;
  if (!file || !existsSync(file)) {
    loadError = new RawsockError(
      RawsockErrorCode.BackendUnavailable,
      `the afpacket addon is not built${file ? ` (${file} is missing)` : ''}: install g++, make and libpcap-dev and run ` +
        `"node native/build.mjs" in @paqet/rawsock, or use backend 'pcap'`,
    );
    throw loadError;
  }
  try {
    loaded = createRequire(file)(file) as AfPacketModule;
  } catch (err) {
    loadError = new RawsockError(RawsockErrorCode.BackendUnavailable, `the afpacket addon failed to load: ${(err as Error).message}; use backend 'pcap'`, {
      cause: err,
    });
    throw loadError;
  }
  return loaded;
}

/** True when the afpacket backend can be used on this host. */
export function afPacketAvailable(): boolean {
  return afPacketUnavailableReason() === null;
}

/** Why the afpacket backend cannot be used on this host (null when it can): what `auto` falls back to pcap for. */
export function afPacketUnavailableReason(): string | null {
  try {
    loadAfPacket();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}
