/**
 * TCP flag strings of `network.tcp.local_flag` / `remote_flag` (docs/protocol/frames.md, section 4):
 * one upper-case letter per flag; the bit values are those of paqet's TCPF word.
 */
export const TCP_FLAG_BITS: Readonly<Record<string, number>> = {
  F: 0x0001, S: 0x0002, R: 0x0004, P: 0x0008, A: 0x0010, U: 0x0020, E: 0x0040, C: 0x0080, N: 0x0100,
};

export interface TcpFlagSpec {
  /** As written, e.g. `PA`. */
  readonly text: string;
  /** TCPF word: bits 0-7 = TCP byte 13, bit 8 = NS. */
  readonly bits: number;
}

/** Returns the spec, or the first offending character. */
export function parseFlagString(text: string): TcpFlagSpec | { badChar: string } {
  let bits = 0;
  for (const ch of text) {
    const bit = TCP_FLAG_BITS[ch];
    if (bit === undefined) return { badChar: ch };
    bits |= bit;
  }
  return { text, bits };
}
