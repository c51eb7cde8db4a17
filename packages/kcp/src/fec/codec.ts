import { FecDecoder } from './decoder.js';
import { FecEncoder } from './encoder.js';

/**
 * FEC bound to the session layer's callback-style hook (src/session/fec-hook.ts,
 * `FecCodecFactory`), matched structurally so fec/ does not import session/.
 */
export interface FecCallbackSender {
  encode(buf: Uint8Array, headerOffset: number, end: number, emitParity: (shard: Uint8Array, plainLength: number) => void): void;
}

export interface FecCallbackReceiver {
  decode(packet: Uint8Array, onRecovered: (kcpBytes: Uint8Array) => void): void;
}

export interface FecCallbackCodec {
  sender(dataShards: number, parityShards: number, headerOffset: number, trailer: number): FecCallbackSender;
  receiver(dataShards: number, parityShards: number): FecCallbackReceiver;
}

/** kcp-go-compatible FEC for the session hook: parity handed out as (buffer, length after headerOffset). */
export function kcpFecCodec(): FecCallbackCodec {
  return {
    sender(dataShards, parityShards, headerOffset, trailer) {
      const encoder = new FecEncoder({ dataShards, parityShards, headerOffset, trailerSize: trailer });
      return {
        encode(buf, offset, end, emitParity) {
          if (offset !== headerOffset) throw new RangeError(`FEC sender built for headerOffset ${headerOffset}, got ${offset}`);
          const count = encoder.encode(buf, end);
          for (let j = 0; j < count; j++) emitParity(encoder.parityPacket(j), encoder.parityLength - headerOffset);
        },
      };
    },
    receiver(dataShards, parityShards) {
      const decoder = new FecDecoder({ dataShards, parityShards });
      return {
        decode(packet, onRecovered) {
          for (const kcpBytes of decoder.decode(packet)) onRecovered(kcpBytes);
        },
      };
    },
  };
}
