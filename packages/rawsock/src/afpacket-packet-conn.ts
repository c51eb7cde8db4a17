/**
 * The raw-packet PacketConn over a Linux AF_PACKET socket (the default on Linux).
 * Same frames, filter and contract as PcapPacketConn, but batched both ways:
 * - receive: a TPACKET_V2 ring (a wake-up as soon as a frame is in, not when a block
 *   retires); the frames ready at a wake-up are copied into one arena and JS gets them in
 *   one callback (one native-to-JS call per batch, not per frame);
 * - send: frames are assembled into an arena and handed to the kernel with one
 *   sendmmsg per batch: at the end of the current JS job (a microtask), when the
 *   arena is full, or when `flush()` is called. Their TCP checksums are summed by the
 *   addon just before, in C (in JavaScript it was most of the frame's assembly cost).
 */
import type { Endpoint } from '@paqet/wire';
import { loadAfPacket, type AfPacketNativeSocket, type AfPacketNativeStats } from './afpacket-binding.js';
import { RawsockError, RawsockErrorCode, noSuchInterfaceError, permissionError } from './errors.js';
import { interfaceNames } from './discovery.js';
import { interfaceMtu, type RawSocketOptions } from './options.js';
import { receiveFilter } from './pcap-handles.js';
import { RawPacketConnBase } from './raw-conn-base.js';

/**
 * The receive ring: `sockbuf` bytes of fixed slots, one frame each. A slot holds a frame of
 * the interface MTU with the kernel's headers in front; a larger frame (a GRO super-frame on
 * an interface with offloads on) is truncated and counted. Blocks are only the kernel's unit
 * of allocation here.
 */
const MIN_BLOCK_SIZE = 32 * 1024;
const MIN_BLOCKS = 16;
const MAX_BLOCKS = 4096;
/** The native side's limit on ring slots. */
const MAX_FRAMES = 1 << 16;
/** Room in a slot before the frame: struct tpacket2_hdr and struct sockaddr_ll, aligned, rounded up. */
const SLOT_HEADER_MAX = 128;
const RX_ARENA = 1 << 20;
const RX_MAX_FRAMES = 1024;
const TX_ARENA = 1 << 20;
const TX_MAX_FRAMES = 512;
/** txMeta per frame: offset, length, and where its TCP header starts (the addon finishes that checksum). */
const TX_META = 3;
const SNDBUF = 4 << 20;
/** Ethernet + IPv6 + the SYN-sized paqet TCP header, rounded up. */
const FRAME_OVERHEAD_MAX = 128;

/** Ring geometry for a receive buffer of `sockbuf` bytes on an interface of `mtu`. */
export function ringGeometry(sockbuf: number, mtu: number): { blockSize: number; blockCount: number; frameSize: number } {
  let frameSize = 2048;
  while (frameSize < mtu + FRAME_OVERHEAD_MAX + SLOT_HEADER_MAX) frameSize *= 2;
  const blockSize = Math.max(MIN_BLOCK_SIZE, frameSize);
  const maxBlocks = Math.min(MAX_BLOCKS, Math.floor(MAX_FRAMES / (blockSize / frameSize)));
  const blockCount = Math.min(maxBlocks, Math.max(MIN_BLOCKS, Math.ceil(sockbuf / blockSize)));
  return { blockSize, blockCount, frameSize };
}

export class AfPacketPacketConn extends RawPacketConnBase {
  readonly backend = 'afpacket' as const;
  private readonly rxArena = Buffer.alloc(RX_ARENA);
  private readonly rxMeta = new Int32Array(RX_MAX_FRAMES * 2);
  private readonly txArena = Buffer.alloc(TX_ARENA);
  private readonly txMeta = new Int32Array(TX_MAX_FRAMES * TX_META);
  private txCount = 0;
  private txBytes = 0;
  /** Payload length of each queued frame, counted once the kernel has taken it. */
  private readonly txPayload = new Int32Array(TX_MAX_FRAMES);
  private txFlushQueued = false;
  private readonly socket: AfPacketNativeSocket;

  constructor(options: RawSocketOptions) {
    super(options);
    const r = this.resolved;
    try {
      const { AfPacketSocket } = loadAfPacket();
      this.socket = new AfPacketSocket(
        {
          interface: r.interface,
          filter: receiveFilter(r.port, this.localMac),
          ...ringGeometry(r.sockbuf, interfaceMtu(r.interface)),
          rxArena: this.rxArena,
          rxMeta: this.rxMeta,
          txArena: this.txArena,
          txMeta: this.txMeta,
          sndbuf: SNDBUF,
        },
        this.onBatch,
      );
    } catch (err) {
      this.releaseClaim();
      throw classifyOpenError(r.interface, err);
    }
  }

  send(datagram: Uint8Array, to: Endpoint): void {
    const c = this.c;
    if (this.closed) {
      c.dropped.sendAfterClose++;
      return;
    }
    if (TX_ARENA - this.txBytes < datagram.length + FRAME_OVERHEAD_MAX || this.txCount === TX_MAX_FRAMES) this.flush();
    let length: number;
    try {
      // The TCP checksum is left partial: the addon sums the frame natively just before sendmmsg.
      length = this.envelope.assemblePartial(this.txArena, datagram, to, undefined, this.txBytes);
    } catch {
      c.dropped.unbuildable++;
      return;
    }
    const i = this.txCount++;
    this.txMeta[i * TX_META] = this.txBytes;
    this.txMeta[i * TX_META + 1] = length;
    this.txMeta[i * TX_META + 2] = this.envelope.lastTcpOffset;
    this.txPayload[i] = datagram.length;
    this.txBytes += (length + 7) & ~7;
    if (!this.txFlushQueued) {
      this.txFlushQueued = true;
      queueMicrotask(this.flushQueued);
    }
  }

  /** Hands every queued frame to the kernel now (one sendmmsg). */
  override flush(): void {
    const n = this.txCount;
    if (n === 0) return;
    this.txCount = 0;
    this.txBytes = 0;
    const sent = this.socket.send(n);
    if (sent === n) {
      for (let i = 0; i < n; i++) this.countSent(this.txPayload[i], this.txMeta[i * TX_META + 1]);
    } else {
      // The kernel skipped the frames it refused; which ones is not reported, so count totals.
      this.c.dropped.injectFailed += n - sent;
      for (let i = 0; i < sent; i++) this.countSent(this.txPayload[i], this.txMeta[i * TX_META + 1]);
    }
  }

  private readonly flushQueued = (): void => {
    this.txFlushQueued = false;
    if (!this.closed) this.flush();
  };

  private readonly onBatch = (count: number): void => {
    const meta = this.rxMeta;
    const arena = this.rxArena;
    for (let i = 0; i < count; i++) {
      const length = meta[i * 2 + 1];
      if (length < 0) {
        this.c.framesCaptured++;
        this.c.dropped.captureTruncated++;
        continue;
      }
      this.receiveFrame(new Uint8Array(arena.buffer, arena.byteOffset + meta[i * 2], length));
      if (this.closed) return;
    }
  };

  /** @internal */
  protected closeFrames(): void {
    this.flush();
    this.socket.close();
  }

  /** @internal */
  protected override refreshCounters(): void {
    if (this.closed) return;
    const s = this.socket.stats();
    this.c.pcapDropped = s.kernelDrops;
  }

  /** Native counters: kernel drops, batches, ring errors, sendmmsg calls (for benchmarks and tests). */
  nativeStats(): AfPacketNativeStats {
    return this.socket.stats();
  }
}

function classifyOpenError(device: string, err: unknown): unknown {
  if (err instanceof RawsockError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  const errno = (err as { errno?: number }).errno;
  if (errno === 1 || errno === 13) return permissionError(`open an AF_PACKET socket on ${device}`, msg);
  if (errno === 19) return noSuchInterfaceError(device, interfaceNames());
  return new RawsockError(RawsockErrorCode.Pcap, `AF_PACKET socket on ${device} failed: ${msg}`, { cause: err });
}

