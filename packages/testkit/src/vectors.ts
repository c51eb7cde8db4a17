/**
 * The golden captures of the Go paqet, kept in the repository as fixtures
 * (fixtures/go-paqet-captures, or $PAQET_VECTORS). A missing folder throws with the
 * path it looked at, in CI and locally alike: never a skip.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePcapFile } from '@paqet/wire/pcap';

export interface VectorManifestEntry {
  file: string;
  sha256: string;
  bytes: number;
  block: string;
  key: string;
  mode: string;
  mtu: number;
  dshard: number;
  pshard: number;
  packets: number;
  client_to_server: number;
  server_to_client: number;
  kcp_block_key_hex: string;
  traffic: string;
}

export interface VectorPacket {
  index: number;
  timestampUs: number;
  /** The whole Ethernet frame as captured. */
  frame: Uint8Array;
  /** True when the client (10.200.1.1:40000) sent it. */
  fromClient: boolean;
  /** The TCP payload: one KCP datagram (or the raw ping payload). */
  payload: Uint8Array;
}

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

export function vectorsDir(): string {
  const dir = process.env.PAQET_VECTORS ?? resolve(repoRoot, 'fixtures/go-paqet-captures');
  if (!existsSync(join(dir, 'manifest.json'))) {
    throw new Error(`golden vectors not found at ${dir} (set PAQET_VECTORS to the folder with manifest.json)`);
  }
  return dir;
}

export function loadManifest(): Record<string, VectorManifestEntry> {
  return JSON.parse(readFileSync(join(vectorsDir(), 'manifest.json'), 'utf8'));
}

/** All 17 vector names (manifest keys): the 15 blocks, fec-aes and ping. */
export function vectorNames(): string[] {
  return Object.keys(loadManifest());
}

export function readVectorFile(name: string): Uint8Array {
  const entry = loadManifest()[name];
  if (!entry) throw new Error(`no vector named ${name}`);
  return new Uint8Array(readFileSync(join(vectorsDir(), entry.file)));
}

/**
 * Frames of a vector with their TCP payloads, cut by header lengths only
 * (IPv4, no VLAN: what the captures hold). @paqet/wire's parser is tested
 * against the same frames separately.
 */
export function loadVectorPackets(name: string): VectorPacket[] {
  const pcap = parsePcapFile(readVectorFile(name));
  return pcap.records.map((r, index) => {
    const f = r.data;
    const ihl = (f[14] & 0x0f) * 4;
    const totalLen = (f[16] << 8) | f[17];
    const tcpOff = 14 + ihl;
    const dataOff = (f[tcpOff + 12] >> 4) * 4;
    const srcPort = (f[tcpOff] << 8) | f[tcpOff + 1];
    return {
      index,
      timestampUs: r.timestampUs,
      frame: f,
      fromClient: srcPort === 40000,
      payload: f.subarray(tcpOff + dataOff, 14 + totalLen),
    };
  });
}

export const GOLDEN = {
  keyHexAll: 'f1f500b40677997e25568f78f717021c9ba7d003b4cd73a267ce9758efc650e3',
  passphrase: 'paqet-golden-key',
  payloadSha256: '8ae4476004ffb9ff742d58318d9a915f92d984c32bf3ff470095a00ba3971916',
  fecBodySha256: '77a2e869efc9ee4d7efd070edbe13c8dcaf3a303392e0c93af7d3c106f69067d',
  httpRequestHex:
    '474554202f676f6c64656e2e62696e20485454502f312e310d0a486f73743a2031302e3230302e322e323a383030300d0a4163636570743a202a2f2a0d0a557365722d4167656e743a2070617165742d676f6c64656e0d0a0d0a',
  httpResponseHeadHex:
    '485454502f312e3120323030204f4b0d0a436f6e74656e742d547970653a206170706c69636174696f6e2f6f637465742d73747265616d0d0a436f6e74656e742d4c656e6774683a20333030300d0a436f6e6e656374696f6e3a20636c6f73650d0a0d0a',
  client: { mac: '02:50:51:00:01:01', address: '10.200.1.1', port: 40000 },
  server: { mac: '02:50:51:00:01:02', address: '10.200.1.2', port: 9999 },
} as const;

/** The 3000-byte golden payload, rebuilt from its rule in the vectors README. */
export function goldenPayload(): Uint8Array {
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  let s = '';
  for (let i = 0; i < 60; i++) {
    let run = '';
    for (let k = 0; k < 31; k++) run += letters[((i % 26) + k) % 52];
    s += `paqet-golden-${String(i).padStart(4, '0')}-${run}\n`;
  }
  return new TextEncoder().encode(s);
}
