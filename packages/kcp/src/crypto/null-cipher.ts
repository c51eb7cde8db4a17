import type { DatagramCipher, DropReason } from './types.js';

/** `null` (docs/protocol/crypto.md, section 6): no envelope at all; the datagram is the payload. */
export class NullCipher implements DatagramCipher {
  readonly block = 'null' as const;
  readonly headerSize = 0;
  readonly trailerSize = 0;

  seal(buf: Uint8Array, payloadLength: number): number {
    if (payloadLength < 0 || payloadLength > buf.length) {
      throw new RangeError(`seal: ${payloadLength}-byte payload does not fit a ${buf.length}-byte buffer`);
    }
    return payloadLength;
  }

  open(datagram: Uint8Array): Uint8Array | DropReason {
    return datagram;
  }
}
