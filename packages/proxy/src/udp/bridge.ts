import type { DatagramChannel } from '../dialer.js';
import { MAX_UDP_PAYLOAD } from './framing.js';

export interface BridgeCounters {
  up(length: number): void;
  down(length: number): void;
  dropped(): void;
}

/**
 * Relays datagrams between two channels (client-facing `near`, target-facing `far`) until
 * either closes, then closes both. Datagrams over 4096 bytes are dropped. Resolves with
 * the error that ended it, if any.
 */
export function bridgeDatagramChannels(near: DatagramChannel, far: DatagramChannel, counters?: BridgeCounters): Promise<Error | undefined> {
  return new Promise((resolve) => {
    let done = false;
    const end = (error?: Error): void => {
      if (done) return;
      done = true;
      near.close();
      far.close();
      resolve(error);
    };
    near.onMessage((datagram) => {
      if (datagram.length > MAX_UDP_PAYLOAD || !far.send(datagram)) counters?.dropped();
      else counters?.up(datagram.length);
    });
    far.onMessage((datagram) => {
      if (datagram.length > MAX_UDP_PAYLOAD || !near.send(datagram)) counters?.dropped();
      else counters?.down(datagram.length);
    });
    near.onClose(end);
    far.onClose(end);
    if (near.closed || far.closed) end();
  });
}
