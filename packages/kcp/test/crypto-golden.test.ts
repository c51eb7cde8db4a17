import { describe, expect, it } from 'vitest';
import { loadManifest, loadVectorPackets } from '@paqet/testkit';
import { BLOCK_NAMES, createDatagramCipher, deriveKey, type BlockName, type NonceSource } from '../src/crypto/index.js';

const manifest = loadManifest();
const hex = (s: string | null) => Uint8Array.from(Buffer.from(s ?? '', 'hex'));

/** A nonce source that replays the nonce captured in each golden datagram. */
function replay(): { source: NonceSource; next: Uint8Array } {
  const state = { next: new Uint8Array(16), source: ((buf, offset, length) => buf.set(state.next.subarray(0, length), offset)) as NonceSource };
  return state;
}

const captures = Object.entries(manifest).filter(([name]) => name !== 'ping');

describe('golden captures (fixtures/go-paqet-captures): open, verify, and re-seal byte for byte', () => {
  it('covers all 15 blocks', () => {
    const blocks = new Set(captures.map(([, e]) => e.block));
    expect([...blocks].sort()).toEqual([...BLOCK_NAMES].sort());
  });

  it('the manifest key bytes are deriveKey(passphrase) cut to size', () => {
    const dkey = Buffer.from(deriveKey('paqet-golden-key')).toString('hex');
    for (const [, e] of captures) expect(dkey.startsWith(e.kcp_block_key_hex ?? '')).toBe(true);
  });

  for (const [name, entry] of captures) {
    it(`${name}: every datagram opens, carries KCP or FEC, and re-seals to the captured bytes`, () => {
      const block = entry.block as BlockName;
      const key = hex(entry.kcp_block_key_hex);
      const opener = createDatagramCipher(block, key);
      const nonce = replay();
      const sealer = createDatagramCipher(block, key, { nonceSource: nonce.source });
      const packets = loadVectorPackets(name);
      expect(packets.length).toBe(entry.packets);
      const convs = new Set<number>();
      for (const packet of packets) {
        const wire = packet.payload;
        const datagram = wire.slice();
        const plaintext = opener.open(datagram);
        if (typeof plaintext === 'string') throw new Error(`${name} #${packet.index}: dropped (${plaintext})`);
        expect(plaintext.length).toBe(wire.length - opener.headerSize - opener.trailerSize);

        // What is inside: FEC data/parity (0xf1/0xf2) or a KCP segment (cmd 81..84).
        const marker = plaintext[4]! | (plaintext[5]! << 8);
        if (entry.dshard > 0) {
          expect([0xf1, 0xf2]).toContain(marker);
          if (marker === 0xf1) convs.add(new DataView(plaintext.buffer, plaintext.byteOffset + 8).getUint32(0, true));
        } else {
          expect(plaintext[4]).toBeGreaterThanOrEqual(81);
          expect(plaintext[4]).toBeLessThanOrEqual(84);
          convs.add(new DataView(plaintext.buffer, plaintext.byteOffset).getUint32(0, true));
        }

        // Re-seal the plaintext with the nonce the sender used.
        const nonceLength = block === 'aes-128-gcm' ? 12 : block === 'null' ? 0 : 16;
        nonce.next = (block === 'aes-128-gcm' ? wire : datagram).slice(0, nonceLength);
        const buf = new Uint8Array(wire.length);
        buf.set(plaintext, sealer.headerSize);
        expect(sealer.seal(buf, plaintext.length)).toBe(wire.length);
        expect(Buffer.from(buf).equals(Buffer.from(wire))).toBe(true);
      }
      expect(convs.size).toBe(1); // one KCP conversation per capture
    });
  }
});
