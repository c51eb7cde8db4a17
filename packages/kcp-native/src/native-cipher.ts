import { CRC_ENVELOPE_HEADER_SIZE, CRC_NONCE_SIZE as NONCE_SIZE, type BlockName, type DatagramCipher, type DropReason, type NonceSource, pooledRandomNonces } from '@paqet/kcp/crypto';
import type { NativeCfbEnvelope } from './addon.js';

const HEADER_SIZE = CRC_ENVELOPE_HEADER_SIZE; // nonce + CRC32
/** The addon's bound on one datagram (any IP datagram fits). */
const MAX_DATAGRAM = 65536;

/**
 * kcp-go's CRC envelope under a full-block CFB cipher (docs/protocol/crypto.md, sections 2
 * and 3), with the CRC and the cipher in one native call: the same bytes as
 * @paqet/kcp's CrcEnvelopeCipher for the same block, key and nonces.
 */
export class NativeCrcEnvelopeCipher implements DatagramCipher {
  readonly headerSize = HEADER_SIZE;
  readonly trailerSize = 0;

  constructor(
    readonly block: BlockName,
    private readonly native: NativeCfbEnvelope,
    private readonly nonceSource: NonceSource = pooledRandomNonces(),
  ) {}

  seal(buf: Uint8Array, payloadLength: number): number {
    const total = HEADER_SIZE + payloadLength;
    if (!(payloadLength >= 0) || total > buf.length || total > MAX_DATAGRAM) {
      throw new RangeError(`seal: ${payloadLength}-byte payload does not fit a ${buf.length}-byte buffer`);
    }
    this.nonceSource(buf, 0, NONCE_SIZE);
    this.native.seal(buf, total);
    return total;
  }

  /**
   * seal() of `count` datagrams at once, datagram i at `arena[i * stride]`: for aes, aes-128 and
   * aes-192 on a CPU with AES-NI, up to eight CFB chains run side by side, sixteen with VAES
   * (one chain is sequential; many keep the AES unit busy).
   */
  sealBatch(arena: Uint8Array, stride: number, payloadLengths: Uint32Array, count: number): void {
    if (!(payloadLengths instanceof Uint32Array)) throw new TypeError('sealBatch: payloadLengths must be a Uint32Array');
    if (!(count >= 0 && count <= payloadLengths.length && count * stride <= arena.length)) {
      throw new RangeError(`sealBatch: ${count} datagrams of stride ${stride} do not fit a ${arena.length}-byte arena`);
    }
    // Checked here too (the addon checks again), so that a refused batch leaves the arena as it was.
    for (let i = 0; i < count; i++) {
      if (payloadLengths[i]! + HEADER_SIZE > stride) throw new RangeError(`sealBatch: datagram ${i}: a ${payloadLengths[i]}-byte payload does not fit a ${stride}-byte slot`);
    }
    for (let i = 0; i < count; i++) this.nonceSource(arena, i * stride, NONCE_SIZE);
    this.native.sealBatch(arena, stride, payloadLengths, count);
  }

  /** True when sealBatch interleaves AES-NI lanes (false: one OpenSSL call per datagram). */
  get interleaved(): boolean {
    return this.native.interleaved;
  }

  open(datagram: Uint8Array): Uint8Array | DropReason {
    if (datagram.length < HEADER_SIZE) return 'short';
    if (datagram.length > MAX_DATAGRAM) return 'crc'; // never from a link; not worth a throw
    return this.native.open(datagram) === 0 ? datagram.subarray(HEADER_SIZE) : 'crc';
  }
}

/** The blocks served here, with the OpenSSL cipher each one is (node's own build has them all). */
export const NATIVE_ALGORITHMS = {
  aes: 'AES-256',
  'aes-128': 'AES-128',
  'aes-192': 'AES-192',
  sm4: 'SM4',
  '3des': 'DES-EDE3',
} as const satisfies Partial<Record<BlockName, string>>;

export type NativeBlockName = keyof typeof NATIVE_ALGORITHMS;

export function isNativeBlock(block: string): block is NativeBlockName {
  return Object.prototype.hasOwnProperty.call(NATIVE_ALGORITHMS, block);
}
