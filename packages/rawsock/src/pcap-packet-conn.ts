/**
 * The raw-packet PacketConn (docs/protocol/frames.md, section 1): datagrams travel as the payload of crafted TCP
 * segments. Sending assembles one frame with @paqet/wire's envelope into a reused
 * buffer and injects it through the send handle; receiving captures inbound TCP to the
 * local port, decodes it with @paqet/wire and hands payload + source to the handler.
 */
import type { DatagramHandler, Endpoint, PacketConn } from '@paqet/wire';
import { InboundDecoder, PaqetEnvelope, PAQET_TCP_HEADER_LENGTH, PAQET_TCP_SYN_HEADER_LENGTH, TcpFlag, parseTcpFlagList } from '@paqet/wire';
import type { CapHandle } from './cap-binding.js';
import { newCounters, type RawSocketCounters } from './counters.js';
import { permissionError } from './errors.js';
import { interfaceMtu, resolveOptions, type RawSocketOptions, type ResolvedOptions } from './options.js';
import { CAPTURE_BUFFER_SIZE, openReceiveHandle, openSendHandle } from './pcap-handles.js';
import { claimPort } from './port-registry.js';
import { checkCapturePrivileges } from './privileges.js';

/** Outbound frames never exceed this (a 64 KiB IP packet plus Ethernet). */
const TX_BUFFER_SIZE = 65536 + 14;

export class PcapPacketConn implements PacketConn {
  /** The local TCP port every frame uses (random when configured as 0). */
  readonly port: number;
  readonly interface: string;
  /** Source MAC of injected frames. */
  readonly localMac: string;
  /** Largest payload that fits the interface MTU with the largest header in use. */
  readonly maxDatagramSize: number;
  /** The local address (IPv4 if configured, else IPv6) and port frames are sent from. */
  readonly localEndpoint: Endpoint;
  /** Live counters (the same object; read fields at any time). */
  readonly counters: RawSocketCounters = newCounters();

  private readonly envelope: PaqetEnvelope;
  private readonly decoder = new InboundDecoder();
  /** cap copies each captured frame here; views of it by frame length are cached (no per-frame allocation). */
  private readonly rxBuffer = Buffer.alloc(CAPTURE_BUFFER_SIZE);
  private readonly rxViews: (Uint8Array | undefined)[] = [];
  private readonly txBuffer = Buffer.alloc(TX_BUFFER_SIZE);
  private readonly sendHandle: CapHandle;
  private readonly receiveHandle: CapHandle;
  private readonly releasePort: () => void;
  private handler: DatagramHandler | null = null;
  private isClosed = false;

  constructor(options: RawSocketOptions) {
    const resolved: ResolvedOptions = resolveOptions(options);
    const privileges = checkCapturePrivileges();
    if (!privileges.canCapture) throw permissionError(`capture on ${resolved.interface}`, privileges.detail);
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
    try {
      this.sendHandle = openSendHandle(resolved.interface);
    } catch (err) {
      this.releasePort();
      throw err;
    }
    try {
      this.receiveHandle = openReceiveHandle(resolved.interface, resolved.port, this.localMac, resolved.sockbuf, this.rxBuffer, (_frame, length, truncated) =>
        this.onFrame(length, truncated),
      );
    } catch (err) {
      this.sendHandle.close();
      this.releasePort();
      throw err;
    }
  }

  get closed(): boolean {
    return this.isClosed;
  }

  send(datagram: Uint8Array, to: Endpoint): void {
    const c = this.counters;
    if (this.isClosed) {
      c.dropped.sendAfterClose++;
      return;
    }
    let length: number;
    try {
      length = this.envelope.assemble(this.txBuffer, datagram, to);
    } catch {
      c.dropped.unbuildable++;
      return;
    }
    try {
      this.sendHandle.send(this.txBuffer, length);
    } catch {
      c.dropped.injectFailed++;
      return;
    }
    c.packetsOut++;
    c.bytesOut += datagram.length;
    c.frameBytesOut += length;
  }

  onDatagram(handler: DatagramHandler | null): void {
    this.handler = handler;
  }

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
    this.sendHandle.close();
    this.receiveHandle.close();
    this.releasePort();
  }

  private onFrame(length: number, truncated: boolean): void {
    const c = this.counters;
    c.framesCaptured++;
    if (this.isClosed) return;
    if (truncated) {
      c.dropped.captureTruncated++;
      return;
    }
    let frame = this.rxViews[length];
    if (frame === undefined) frame = this.rxViews[length] = new Uint8Array(this.rxBuffer.buffer, this.rxBuffer.byteOffset, length);
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
    c.frameBytesIn += length;
    handler(frame.subarray(r.payloadOffset, r.payloadOffset + r.payloadLength), r.source!);
  }
}

function maxPayload(mtu: number, o: ResolvedOptions): number {
  const tcp = o.localFlags.some((f) => (f & TcpFlag.SYN) !== 0) ? PAQET_TCP_SYN_HEADER_LENGTH : PAQET_TCP_HEADER_LENGTH;
  const ip = o.ipv6 ? 40 : 20;
  return mtu - ip - tcp;
}

/** Alias: the name the design document uses. */
export { PcapPacketConn as RawSocket };
