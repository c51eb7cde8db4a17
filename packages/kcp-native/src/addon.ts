/**
 * Loads the addon (native/cfb-envelope.cc, built at install by native/build.mjs) lazily, so
 * importing this package never fails where it is not built.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface NativeCfbEnvelope {
  /** Writes the CRC of buf[20, length) to buf[16, 20) and CFB-encrypts buf[0, length) in place. */
  seal(buf: Uint8Array, length: number): void;
  /** seal() of datagram i at arena[i * stride] with payload length payloadLengths[i], for i < count (nonces already written). */
  sealBatch(arena: Uint8Array, stride: number, payloadLengths: Uint32Array, count: number): void;
  /** Decrypts the datagram in place: 0 ok, 1 short, 2 CRC mismatch. */
  open(datagram: Uint8Array): 0 | 1 | 2;
  /** True when sealBatch runs AES-NI lanes side by side. */
  readonly interleaved: boolean;
}

export interface KcpNativeAddon {
  /** `algorithm`: an OpenSSL cipher name without its mode ("AES-256", "SM4", "DES-EDE3"). */
  CfbEnvelope: new (algorithm: string, key: Uint8Array, interleave?: boolean) => NativeCfbEnvelope;
}

let loaded: KcpNativeAddon | undefined;
let loadError: string | undefined;

/** The package root, found from this module's location (src/, dist/ or a bundle that has the package installed). */
function packageRoot(): string | undefined {
  const here = import.meta.url ?? (typeof __filename === 'string' ? __filename : undefined);
  if (!here) return undefined;
  try {
    return dirname(createRequire(here).resolve('@paqet/kcp-native/package.json'));
  } catch {
    return undefined;
  }
}

/** The addon, or a sentence saying why it cannot be used here. */
export function loadAddon(): KcpNativeAddon | string {
  if (loaded) return loaded;
  if (loadError) return loadError;
  const root = packageRoot();
  const file = root ? join(root, 'native/build/Release/kcp_native.node') : undefined;
  if (!file || !existsSync(file)) {
    loadError =
      `the @paqet/kcp-native addon is not built${file ? ` (${file} is missing)` : ''}: ` +
      `install g++ and make, then run "node native/build.mjs" in @paqet/kcp-native`;
    return loadError;
  }
  try {
    loaded = createRequire(file)(file) as KcpNativeAddon;
    return loaded;
  } catch (err) {
    loadError = `the @paqet/kcp-native addon failed to load: ${(err as Error).message}`;
    return loadError;
  }
}
