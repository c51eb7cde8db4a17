/** KCP session, cipher and smux settings from a resolved config (identical on both roles). */
import type { CipherOptions, KcpSessionSettings, SmuxSessionOptions } from '@paqet/kcp';
import type { DatagramCipher } from '@paqet/kcp/crypto';
import type { ResolvedConfig, ResolvedKcp } from '../config/index.js';
import { datagramCipherFactory } from './cipher-choice.js';

/** transport.kcp of a KCP (or kcp+quic) config; a QUIC config has none (callers that need KCP check the protocol first). */
export function kcpConfig(config: ResolvedConfig): ResolvedKcp {
  const k = config.transport.kcp;
  if (!k) throw new Error(`transport.protocol is ${config.transport.protocol}: there are no KCP settings`);
  return k;
}

/** Session settings plus the cipher (block and the already derived key). */
export function kcpSessionSettings(config: ResolvedConfig): KcpSessionSettings & CipherOptions {
  const k = kcpConfig(config);
  return {
    block: k.block,
    key: k.derivedKey,
    createCipher: datagramCipherFactory(k.block, k.derivedKey),
    // The config layer already expanded the mode into numbers; pass them as 'manual'.
    mode: 'manual',
    manual: {
      nodelay: k.nodelay,
      interval: k.interval,
      resend: k.resend,
      nocongestion: k.nocongestion,
      writeDelay: k.writeDelay,
      ackNoDelay: k.ackNoDelay,
    },
    mtu: k.mtu,
    // Unset windows are floors that the session grows to fit the path (docs/configuration.md).
    sndwnd: k.sndwnd,
    rcvwnd: k.rcvwnd,
    fitWindows: k.windowsFromPath,
    dshard: k.dshard,
    pshard: k.pshard,
  };
}

/** A fresh cipher (for dump's offline decoder; sessions build their own from kcpSessionSettings). */
export function cipherFactory(config: ResolvedConfig): () => DatagramCipher {
  const k = kcpConfig(config);
  // The factory cuts the 32-byte derived key to the block's size itself.
  return datagramCipherFactory(k.block, k.derivedKey);
}

export function smuxOptions(config: ResolvedConfig): SmuxSessionOptions {
  const s = kcpConfig(config).smux;
  return {
    version: s.version,
    keepAliveInterval: s.keepAliveIntervalMs,
    keepAliveTimeout: s.keepAliveTimeoutMs,
    maxFrameSize: s.maxFrameSize,
    maxReceiveBuffer: s.maxReceiveBuffer,
    maxStreamBuffer: s.maxStreamBuffer,
    fitStreamWindow: s.windowFromPath,
  };
}
