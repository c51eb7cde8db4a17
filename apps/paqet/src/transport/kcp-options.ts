/** KCP session, cipher and smux settings from a resolved config (identical on both roles). */
import type { CipherOptions, KcpSessionSettings, SmuxSessionOptions } from '@paqet/kcp';
import { createDatagramCipher, type DatagramCipher } from '@paqet/kcp/crypto';
import type { ResolvedConfig } from '../config/index.js';

/** Session settings plus the cipher (block and the already derived key). */
export function kcpSessionSettings(config: ResolvedConfig): KcpSessionSettings & CipherOptions {
  const k = config.transport.kcp;
  return {
    block: k.block,
    key: k.derivedKey,
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
    sndwnd: k.sndwnd,
    rcvwnd: k.rcvwnd,
    dshard: k.dshard,
    pshard: k.pshard,
  };
}

/** A fresh cipher (for dump's offline decoder; sessions build their own from kcpSessionSettings). */
export function cipherFactory(config: ResolvedConfig): () => DatagramCipher {
  const k = config.transport.kcp;
  // createDatagramCipher cuts the 32-byte derived key to the block's size itself.
  return () => createDatagramCipher(k.block, k.derivedKey);
}

export function smuxOptions(config: ResolvedConfig): SmuxSessionOptions {
  const s = config.transport.kcp.smux;
  return {
    version: s.version,
    keepAliveInterval: s.keepAliveIntervalMs,
    keepAliveTimeout: s.keepAliveTimeoutMs,
    maxFrameSize: s.maxFrameSize,
    maxReceiveBuffer: s.maxReceiveBuffer,
    maxStreamBuffer: s.maxStreamBuffer,
  };
}
