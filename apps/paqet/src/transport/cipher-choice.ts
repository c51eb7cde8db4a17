/**
 * Which implementation seals the KCP datagrams: @paqet/kcp-native's (native calls with
 * node's own OpenSSL, a flush's datagrams sealed together) for aes, aes-128, aes-192, sm4
 * and 3des where its addon is built, else @paqet/kcp's. Both write the same bytes; PAQET_NATIVE_CIPHERS=0 forces
 * @paqet/kcp's (a troubleshooting and A/B switch).
 */
import type { BlockName, DatagramCipher } from '@paqet/kcp/crypto';
import { createDatagramCipher } from '@paqet/kcp/crypto';
import { isNativeBlock, nativeCipherUnavailableReason, preferNativeCiphers } from '@paqet/kcp-native';

export type CipherImplementation = { native: true } | { native: false; why: string };

export function cipherImplementation(block: BlockName, env: NodeJS.ProcessEnv = process.env): CipherImplementation {
  if (!isNativeBlock(block)) return { native: false, why: `${block} has no native implementation` };
  if (env.PAQET_NATIVE_CIPHERS === '0') return { native: false, why: 'PAQET_NATIVE_CIPHERS=0' };
  const why = nativeCipherUnavailableReason();
  return why === null ? { native: true } : { native: false, why };
}

/** A factory of fresh datagram ciphers for the block and the 32-byte derived key. */
export function datagramCipherFactory(block: BlockName, derivedKey: Uint8Array, env: NodeJS.ProcessEnv = process.env): () => DatagramCipher {
  // preferNativeCiphers falls back to @paqet/kcp by itself where the block or host has no native form.
  if (env.PAQET_NATIVE_CIPHERS !== '0') return preferNativeCiphers(block, derivedKey);
  createDatagramCipher(block, derivedKey); // fail at start-up (a bad key), not on the first datagram
  return () => createDatagramCipher(block, derivedKey);
}

/** For the start-up plan: "sealed natively (...)" or "sealed by @paqet/kcp (why)". */
export function describeCipherImplementation(block: BlockName): string {
  const choice = cipherImplementation(block);
  return choice.native ? 'sealed natively (@paqet/kcp-native)' : `sealed by @paqet/kcp (${choice.why})`;
}
