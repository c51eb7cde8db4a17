/**
 * What the two raw-packet PacketConns (libpcap via cap, Linux AF_PACKET) share: option
 * resolution, the paqet envelope for sending, the inbound decoder for receiving, the
 * TCPF hook, counters and the port claim. Subclasses only move frames.
 */
import type { DatagramHandler, Endpoint, PacketConn } from '@paqet/wire';
import { InboundDecoder, PaqetEnvelope, PAQET_TCP_HEADER_LENGTH, PAQET_TCP_SYN_HEADER_LENGTH, TcpFlag, parseTcpFlagList } from '@paqet/wire';
import { newCounters, type RawSocketCounters } from './counters.js';
import { permissionError } from './errors.js';
import { interfaceMtu, resolveOptions, type RawSocketOptions, type ResolvedOptions } from './options.js';
import { claimPort } from './port-registry.js';
import { checkCapturePrivileges } from './privileges.js';

/** Outbound frames never exceed this (a 64 KiB IP packet plus Ethernet). */
export const MAX_FRAME_SIZE = 65536 + 14;

export abstract class RawPacketConnBase implements PacketConn {
  /** The local TCP port every frame uses (random when configured as 0). */
  readonly port: number;
  readonly interface: string;
  /** Source MAC of injected frames. */
  readonly localMac: string;
  /** Largest payload that fits the interface MTU with the largest header in use. */
  readonly maxDatagramSize: number;
  /** The local address (IPv4 if configured, else IPv6) and port frames are sent from. */
  readonly localEndpoint: Endpoint;
  /** Which implementation moves the frames. */
  abstract readonly backend: 'pcap' | 'afpacket';

  /** @internal */
  protected readonly c: RawSocketCounters = newCounters();
  /** @internal */
  protected readonly envelope: PaqetEnvelope;
  /** @internal */
  protected readonly resolved: ResolvedOptions;
  private readonly decoder = new InboundDecoder();
  private handler: DatagramHandler | null = null;
  private isClosed = false;
  private releasePort: (() => void) | null;

  protected constructor(options: RawSocketOptions) {
    const resolved = resolveOptions(options);
    const privileges = checkCapturePrivileges();
    if (!privileges.canCapture) throw permissionError(`capture on ${resolved.interface}`, privileges.detail);
    this.resolved = resolved;
    this.port = resolved.port;
    this.interface = resolved.interface;
    this.localMac = resolved.localMac.text;
    this.envelope = new PaqetEnvelope({
      localMac: resolved.localMac,
      localPort: resolved.port,
      localIpv4: resolved.ipv4?.ip.family === 4 ? resolved.ipv4.ip : undefined,
      routerMacV4: resolved.ipv4?.routerMac,
      localIpv6: resolved.ipv6?.ip.family === 6 ? resolved.ipv6.ip : undefined,
      routerMacV6: resolved.ipv6?.routerMac,
      localFlags: resolved.localFlags,
    });
    this.maxDatagramSize = maxPayload(interfaceMtu(resolved.interface), resolved);
    this.localEndpoint = { address: (resolved.ipv4 ?? resolved.ipv6)!.ip.text, port: resolved.port };
    this.releasePort = claimPort(resolved.interface, resolved.port);
  }

  /** Live counters (the same object; read fields at any time). */
  get counters(): RawSocketCounters {
    this.refreshCounters();
    return this.c;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  onDatagram(handler: DatagramHandler | null): void {
    this.handler = handler;
  }

  abstract send(datagram: Uint8Array, to: Endpoint): void;

  /** Hands queued frames to the kernel now (backends that batch sends; the others send at once). */
  flush(): void {}

  /**
   * TCPF hook (docs/protocol/frames.md, section 4): packets to `peer` cycle `flags` (letter strings such as
   * "PA", or 9-bit flag sets) from index 0; an empty list clears the entry.
   */
  setRemoteFlags(peer: Endpoint, flags: readonly string[] | readonly number[]): void {
    const list = flags.length > 0 && typeof flags[0] === 'string' ? parseTcpFlagList(flags as readonly string[], 'remoteFlags') : (flags as readonly number[]);
    this.envelope.flags.setPeerFlags(peer, list);
  }

  /** Packets to `peer` go back to the default `localFlags` rotation (its session ended). */
  clearRemoteFlags(peer: Endpoint): void {
    this.envelope.flags.deletePeerFlags(peer);
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.handler = null;
    this.closeFrames();
    this.releaseClaim();
  }

  /** @internal Releases the (interface, port) claim; also for a constructor that fails after claiming. */
  protected releaseClaim(): void {
    this.releasePort?.();
    this.releasePort = null;
  }

  /** @internal Stop moving frames and release native resources. */
  protected abstract closeFrames(): void;

  /** @internal Bring counters fed by the kernel up to date (default: nothing to do). */
  protected refreshCounters(): void {}

  /** @internal Counts a sent frame (`frameLength` bytes on the wire for a `payloadLength` datagram). */
  protected countSent(payloadLength: number, frameLength: number): void {
    const c = this.c;
    c.packetsOut++;
    c.bytesOut += payloadLength;
    c.frameBytesOut += frameLength;
  }

  /** @internal One captured frame: decode, count, hand the payload to the handler. */
  protected receiveFrame(frame: Uint8Array): void {
    const c = this.c;
    c.framesCaptured++;
    if (this.isClosed) return;
    const r = this.decoder.decode(frame, this.port);
    if (r.dropReason !== null) {
      c.dropped.inbound[r.dropReason]++;
      return;
    }
    const handler = this.handler;
    if (handler === null) {
      c.dropped.noHandler++;
      return;
    }
    c.packetsIn++;
    c.bytesIn += r.payloadLength;
    c.frameBytesIn += frame.length;
    handler(frame.subarray(r.payloadOffset, r.payloadOffset + r.payloadLength), r.source!);
  }
}

function maxPayload(mtu: number, o: ResolvedOptions): number {
  const tcp = o.localFlags.some((f) => (f & TcpFlag.SYN) !== 0) ? PAQET_TCP_SYN_HEADER_LENGTH : PAQET_TCP_HEADER_LENGTH;
  const ip = o.ipv6 ? 40 : 20;
  return mtu - ip - tcp;
}
