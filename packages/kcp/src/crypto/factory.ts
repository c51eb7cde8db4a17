import { CrcEnvelopeCipher, type PacketTransform } from './envelope-crc.js';
import { GcmCipher } from './gcm.js';
import { blockKey } from './key.js';
import type { NonceSource } from './nonce.js';
import { NullCipher } from './null-cipher.js';
import { NodeCfbTransform } from './transforms/node-cfb.js';
import { ownCfb } from './transforms/own-cfb.js';
import { Salsa20Transform } from './transforms/salsa20.js';
import { identityTransform, XorPadTransform } from './transforms/xor.js';
import { BLOCK_NAMES, type BlockName, type DatagramCipher } from './types.js';

export interface DatagramCipherOptions {
  /** Where nonces come from; defaults to a pooled CSPRNG. Tests inject captured nonces. */
  nonceSource?: NonceSource;
}

export function isBlockName(value: string): value is BlockName {
  return (BLOCK_NAMES as readonly string[]).includes(value);
}

function transformFor(block: Exclude<BlockName, 'aes-128-gcm' | 'null'>, key: Uint8Array): PacketTransform {
  switch (block) {
    case 'aes': return new NodeCfbTransform('aes-256-cfb', key, 16);
    case 'aes-128': return new NodeCfbTransform('aes-128-cfb', key, 16);
    case 'aes-192': return new NodeCfbTransform('aes-192-cfb', key, 16);
    case 'sm4': return new NodeCfbTransform('sm4-cfb', key, 16);
    case '3des': return new NodeCfbTransform('des-ede3-cfb', key, 8);
    case 'blowfish':
    case 'cast5':
    case 'tea':
    case 'xtea':
    case 'twofish':
      return ownCfb[block](key);
    case 'salsa20': return new Salsa20Transform(key);
    case 'xor': return new XorPadTransform(key);
    case 'none': return identityTransform;
  }
}

/**
 * The datagram cipher for a paqet `block`, keyed with the 32-byte output of deriveKey
 * (cut to the cipher's key size here). Instances hold per-datagram scratch state: use one
 * per session (or per thread of control), never concurrently.
 */
export function createDatagramCipher(
  block: BlockName,
  derivedKey: Uint8Array,
  options: DatagramCipherOptions = {},
): DatagramCipher {
  if (!isBlockName(block)) throw new RangeError(`unknown block ${String(block)}`);
  if (block === 'null') return new NullCipher();
  const key = blockKey(block, derivedKey);
  if (block === 'aes-128-gcm') return new GcmCipher(key, options.nonceSource);
  return new CrcEnvelopeCipher(block, transformFor(block, key), options.nonceSource);
}
