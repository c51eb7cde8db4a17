/** Traffic and drop counters of one raw socket. Plain numbers: read them any time. */
import { InboundDrop, type InboundDropReason } from '@paqet/wire';

export interface DropCounters {
  /**
   * Captured frames the decoder refused, by @paqet/wire's reason (docs/protocol/frames.md, section 5):
   * 'empty-payload' (pure ACKs, kernel RSTs), 'not-tcp', 'vlan', 'truncated'...
   */
  inbound: Record<InboundDropReason, number>;
  /** Frames larger than the capture buffer. */
  captureTruncated: number;
  /** Datagrams that arrived while no handler was set. */
  noHandler: number;
  /** Sends attempted after close. */
  sendAfterClose: number;
  /** Sends the envelope could not build (family not configured, too large...). */
  unbuildable: number;
  /** Sends libpcap refused (interface down, frame too long...). */
  injectFailed: number;
}

export interface RawSocketCounters {
  /** Datagrams injected and their payload bytes / whole-frame bytes. */
  packetsOut: number;
  bytesOut: number;
  frameBytesOut: number;
  /** Datagrams delivered to the handler and their payload bytes / whole-frame bytes. */
  packetsIn: number;
  bytesIn: number;
  frameBytesIn: number;
  /** Every frame the receive handle captured (delivered or dropped). */
  framesCaptured: number;
  dropped: DropCounters;
  /**
   * Frames the kernel dropped before libpcap read them (ring buffer full). `cap` does not
   * expose pcap_stats, so this is null; see the README for measuring loss.
   */
  pcapDropped: number | null;
}

export function newCounters(): RawSocketCounters {
  return {
    packetsOut: 0,
    bytesOut: 0,
    frameBytesOut: 0,
    packetsIn: 0,
    bytesIn: 0,
    frameBytesIn: 0,
    framesCaptured: 0,
    dropped: { inbound: zeroInbound(), captureTruncated: 0, noHandler: 0, sendAfterClose: 0, unbuildable: 0, injectFailed: 0 },
    pcapDropped: null,
  };
}

function zeroInbound(): Record<InboundDropReason, number> {
  const out = {} as Record<InboundDropReason, number>;
  for (const reason of Object.values(InboundDrop)) out[reason] = 0;
  return out;
}
