import type { FecCodec } from './contract.js';
import { FecDecoder } from './decoder.js';
import { FecEncoder } from './encoder.js';

let shared: FecCodec | undefined;

/** kcp-go-compatible Reed-Solomon FEC behind the session contract (the default codec). */
export function kcpFecCodec(): FecCodec {
  return (shared ??= {
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
  });
}
