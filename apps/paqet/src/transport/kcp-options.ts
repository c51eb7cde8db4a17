/** KCP session, cipher and smux settings from a resolved config (identical on both roles). */
import { createDatagramCipher, type DatagramCipher, type KcpSessionSettings, type SmuxSessionOptions } from '@paqet/kcp';
import type { ResolvedConfig } from '../config/index.js';

export function kcpSessionSettings(config: ResolvedConfig): KcpSessionSettings {
  const k = config.transport.kcp;
  return {
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

/** A fresh cipher per session (ciphers keep scratch state). */
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
