/**
 * The two libpcap handles of a raw socket, opened through `cap` (wire.md section 5):
 * a receive handle with the BPF filter and a large kernel buffer, and a send handle
 * that captures nothing and only injects.
 *
 * cap's fixed settings differ from paqet's in two ways we compensate for here:
 * it always opens in promiscuous mode and it has no pcap_setdirection. The BPF
 * filter therefore also requires "not sent by us" (source MAC != ours) and
 * "addressed to us" (destination MAC = ours, or multicast/broadcast), which is what
 * inbound-only capture without promiscuous mode would deliver.
 */
import { loadCap, type CapHandle } from './cap-binding.js';
import { RawsockError, RawsockErrorCode, noSuchInterfaceError, permissionError } from './errors.js';
import { interfaceNames } from './discovery.js';

/** Called for every captured frame; `frame` is a reused buffer valid only during the call. */
export type FrameSink = (frame: Buffer, length: number, truncated: boolean) => void;

/** Largest frame cap copies out (its snap length is fixed at 65535). */
export const CAPTURE_BUFFER_SIZE = 65535;
/** Kernel buffer of the send handle (paqet's fixed 256 KiB). */
export const SEND_HANDLE_BUFFER = 256 * 1024;

/**
 * cap reads the instance's `emit` once, at construction, and calls it per packet.
 * A subclass method replaces EventEmitter's generic emit with a direct call.
 */
function capWithSink(): new (sink: FrameSink, frame: Buffer) => CapHandle {
  const { Cap } = loadCap();
  return class SinkCap extends Cap {
    private readonly sink: FrameSink;
    private readonly frame: Buffer;
    constructor(sink: FrameSink, frame: Buffer) {
      super();
      this.sink = sink;
      this.frame = frame;
    }
    override emit(_event: string, length: unknown, truncated: unknown): boolean {
      this.sink(this.frame, length as number, truncated as boolean);
      return true;
    }
  };
}

function classifyOpenError(device: string, step: string, err: unknown): RawsockError {
  const msg = err instanceof Error ? err.message : String(err);
  if (/permission|not permitted|EPERM|EACCES/i.test(msg)) return permissionError(`open ${device} for ${step}`, msg);
  if (/no such device|doesn't exist|does not exist|ENODEV|ENXIO/i.test(msg)) return noSuchInterfaceError(device, interfaceNames());
  return new RawsockError(RawsockErrorCode.Pcap, `libpcap failed to open ${device} for ${step}: ${msg}`, { cause: err });
}

function openHandle(device: string, filter: string, bufferSize: number, sink: FrameSink, frame: Buffer, step: string): CapHandle {
  const SinkCap = capWithSink();
  const handle = new SinkCap(sink, frame);
  let linkType: string;
  try {
    linkType = handle.open(device, filter, bufferSize, frame);
  } catch (err) {
    // cap (patched, see patches/) closes a half-opened pcap_t itself: the object can be collected.
    throw classifyOpenError(device, step, err);
  }
  if (linkType !== 'ETHERNET') {
    handle.close();
    throw new RawsockError(
      RawsockErrorCode.LinkType,
      `interface ${device} has link type ${linkType}; paqet needs an Ethernet interface (not loopback, TUN, PPP or "any")`,
    );
  }
  return handle;
}

/** BPF program text for the receive handle. */
export function receiveFilter(port: number, localMac: string): string {
  return `tcp and dst port ${port} and not ether src ${localMac} and (ether dst ${localMac} or ether multicast)`;
}

/** `frame` must hold CAPTURE_BUFFER_SIZE bytes; cap copies every captured frame into it. */
export function openReceiveHandle(device: string, port: number, localMac: string, bufferSize: number, frame: Buffer, sink: FrameSink): CapHandle {
  return openHandle(device, receiveFilter(port, localMac), bufferSize, sink, frame, 'capture');
}

export function openSendHandle(device: string): CapHandle {
  // "less 0" matches nothing: the send handle never buffers captures.
  return openHandle(device, 'less 0', SEND_HANDLE_BUFFER, () => {}, Buffer.alloc(128), 'injection');
}
