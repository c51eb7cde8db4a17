/** Turning user-facing (block, key) into a factory of datagram ciphers. */
import { KcpError, KcpErrorCode } from '../errors.js';
import { createDatagramCipher } from '../crypto/factory.js';
import { deriveKeyAsync } from '../crypto/key.js';
import { CIPHERS, isBlockName, type BlockName } from '../crypto/registry.js';
import type { DatagramCipher } from '../crypto/types.js';
import type { CipherOptions } from './options.js';

export type CipherFactory = () => DatagramCipher;

/** A factory of fresh ciphers when the key is bytes (or not needed); null when a passphrase must be derived first. */
export function cipherFactorySync(options: CipherOptions): CipherFactory | null {
  if (options.createCipher) return checkedFactory(options.createCipher);
  const block = checkBlock(options.block ?? 'aes');
  if (typeof options.key === 'string' && options.key.length > 0) return null;
  return factory(block, options.key instanceof Uint8Array ? options.key : missingKey(block));
}

/** A factory of fresh ciphers (one per session: ciphers keep scratch state). */
export async function cipherFactory(options: CipherOptions): Promise<CipherFactory> {
  const sync = cipherFactorySync(options);
  if (sync) return sync;
  return factory(checkBlock(options.block ?? 'aes'), await deriveKeyAsync(options.key as string));
}

function factory(block: BlockName, derived: Uint8Array): CipherFactory {
  createDatagramCipher(block, derived); // fail now, not on the first datagram
  return () => createDatagramCipher(block, derived);
}

/** The caller's factory, called once now so that a broken one fails at setup. */
function checkedFactory(create: () => DatagramCipher): CipherFactory {
  if (typeof create !== 'function') throw new KcpError(KcpErrorCode.Options, 'createCipher must be a function returning a DatagramCipher');
  const probe = create();
  if (!probe || typeof probe.seal !== 'function' || typeof probe.open !== 'function') {
    throw new KcpError(KcpErrorCode.Options, 'createCipher returned no DatagramCipher (seal and open are required)');
  }
  return create;
}

function checkBlock(block: string): BlockName {
  if (!isBlockName(block)) throw new KcpError(KcpErrorCode.Block, `unknown block ${JSON.stringify(block)}`);
  return block;
}

function missingKey(block: BlockName): Uint8Array {
  if (CIPHERS[block].needsKey) throw new KcpError(KcpErrorCode.Key, `block ${block} needs a key`);
  return new Uint8Array(32);
}
