/**
 * The cipher registry: one entry per paqet `block` (docs/protocol/crypto.md). The entry says how
 * many bytes of the 32-byte derived key the cipher receives and builds the datagram cipher.
 * Adding a cipher is one entry here; the session layer and the app's config read this table.
 */
import { CrcEnvelopeCipher, type PacketTransform } from './envelope-crc.js';
import { GcmCipher } from './gcm.js';
import type { NonceSource } from './nonce.js';
import { NullCipher } from './null-cipher.js';
import { NodeCfbTransform } from './transforms/node-cfb.js';
import { ownCfb } from './transforms/own-cfb.js';
import { Salsa20Transform } from './transforms/salsa20.js';
import { identityTransform, XorPadTransform } from './transforms/xor.js';
import type { DatagramCipher } from './types.js';

export interface CipherSpec {
  /** Bytes of the derived key the cipher receives (0: no cipher object, no key). */
  readonly keySize: number;
  /** Whether a passphrase is required (false for `none` and `null`). */
  readonly needsKey: boolean;
  /** A fresh cipher (ciphers keep scratch state: one per session). `key` has keySize bytes. */
  create(key: Uint8Array, nonces?: NonceSource): DatagramCipher;
}

/** Every paqet block, in the order the Go program lists them (the type checker ties it to CIPHERS). */
export const BLOCK_NAMES = [
  'aes', 'aes-128', 'aes-128-gcm', 'aes-192', 'salsa20', 'blowfish', 'twofish', 'cast5',
  '3des', 'tea', 'xtea', 'xor', 'sm4', 'none', 'null',
] as const;
export type BlockName = (typeof BLOCK_NAMES)[number];

const crc = (block: BlockName, keySize: number, transform: (key: Uint8Array) => PacketTransform): CipherSpec => ({
  keySize,
  needsKey: true,
  create: (key, nonces) => new CrcEnvelopeCipher(block, transform(key), nonces),
});

export const CIPHERS: Readonly<Record<BlockName, CipherSpec>> = {
  aes: crc('aes', 32, (k) => new NodeCfbTransform('aes-256-cfb', k, 16)),
  'aes-128': crc('aes-128', 16, (k) => new NodeCfbTransform('aes-128-cfb', k, 16)),
  'aes-128-gcm': { keySize: 16, needsKey: true, create: (key, nonces) => new GcmCipher(key, nonces) },
  'aes-192': crc('aes-192', 24, (k) => new NodeCfbTransform('aes-192-cfb', k, 16)),
  salsa20: crc('salsa20', 32, (k) => new Salsa20Transform(k)),
  blowfish: crc('blowfish', 32, ownCfb.blowfish),
  twofish: crc('twofish', 32, ownCfb.twofish),
  cast5: crc('cast5', 16, ownCfb.cast5),
  '3des': crc('3des', 24, (k) => new NodeCfbTransform('des-ede3-cfb', k, 8)),
  tea: crc('tea', 16, ownCfb.tea),
  xtea: crc('xtea', 16, ownCfb.xtea),
  xor: crc('xor', 32, (k) => new XorPadTransform(k)),
  sm4: crc('sm4', 16, (k) => new NodeCfbTransform('sm4-cfb', k, 16)),
  // The envelope without encryption; the Go program hands it the whole (unused) key.
  none: { keySize: 32, needsKey: false, create: (_key, nonces) => new CrcEnvelopeCipher('none', identityTransform, nonces) },
  null: { keySize: 0, needsKey: false, create: () => new NullCipher() },
};

export function isBlockName(value: string): value is BlockName {
  return Object.prototype.hasOwnProperty.call(CIPHERS, value);
}
