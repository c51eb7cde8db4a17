/**
 * @paqet/kcp-native: kcp-go's CFB datagram ciphers (aes, aes-128, aes-192, sm4, 3des) sealed
 * and opened in place by one native call each, with the OpenSSL and zlib of node itself.
 * The bytes are @paqet/kcp's; only the cost per datagram differs. Plug them into a session
 * with `createCipher: preferNativeCiphers(block, derivedKey)`.
 */
import { type BlockName, type DatagramCipher, type DatagramCipherOptions, blockKey, createDatagramCipher } from '@paqet/kcp/crypto';
import { loadAddon } from './addon.js';
import { NATIVE_ALGORITHMS, type NativeBlockName, NativeCrcEnvelopeCipher, isNativeBlock } from './native-cipher.js';

export { NATIVE_ALGORITHMS, type NativeBlockName, NativeCrcEnvelopeCipher, isNativeBlock };

/** Thrown when a native cipher is asked for and cannot be had (`code` says why). */
export class KcpNativeError extends Error {
  constructor(
    readonly code: 'PAQET_ERR_KCP_NATIVE_UNAVAILABLE' | 'PAQET_ERR_KCP_NATIVE_BLOCK',
    message: string,
  ) {
    super(message);
    this.name = 'KcpNativeError';
  }
}

/** Why native ciphers cannot be used on this host (null when they can). */
export function nativeCipherUnavailableReason(): string | null {
  const addon = loadAddon();
  return typeof addon === 'string' ? addon : null;
}

/** True when `block` can be sealed natively here. */
export function supportsNativeCipher(block: BlockName): boolean {
  return isNativeBlock(block) && nativeCipherUnavailableReason() === null;
}

/**
 * A native datagram cipher for `block`, keyed with paqet's 32-byte derived key (cut to the
 * block's size here). Like @paqet/kcp's ciphers, an instance is one session's: never
 * shared between concurrent users.
 */
export interface NativeCipherOptions extends DatagramCipherOptions {
  /** sealBatch runs AES-NI lanes side by side where the CPU has them (default true; false: one OpenSSL call per datagram). */
  interleave?: boolean;
}

export function createNativeDatagramCipher(block: BlockName, derivedKey: Uint8Array, options: NativeCipherOptions = {}): NativeCrcEnvelopeCipher {
  if (!isNativeBlock(block)) {
    throw new KcpNativeError('PAQET_ERR_KCP_NATIVE_BLOCK', `block ${block} has no native cipher (native: ${Object.keys(NATIVE_ALGORITHMS).join(', ')})`);
  }
  const addon = loadAddon();
  if (typeof addon === 'string') throw new KcpNativeError('PAQET_ERR_KCP_NATIVE_UNAVAILABLE', addon);
  const native = new addon.CfbEnvelope(NATIVE_ALGORITHMS[block], blockKey(block, derivedKey), options.interleave ?? true);
  return new NativeCrcEnvelopeCipher(block, native, options.nonceSource);
}

/**
 * A factory of fresh ciphers for `block`: native where this host and block allow, else
 * @paqet/kcp's own. Fits `CipherOptions.createCipher` of @paqet/kcp's sessions and servers.
 */
export function preferNativeCiphers(block: BlockName, derivedKey: Uint8Array, options: DatagramCipherOptions = {}): () => DatagramCipher {
  const key = Uint8Array.from(derivedKey);
  if (supportsNativeCipher(block)) {
    createNativeDatagramCipher(block, key, options); // fail now (a bad key), not on the first datagram
    return () => createNativeDatagramCipher(block, key, options);
  }
  createDatagramCipher(block, key, options);
  return () => createDatagramCipher(block, key, options);
}
