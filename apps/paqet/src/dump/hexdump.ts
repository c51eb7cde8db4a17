/** The `dump` output block (apps/paqet/README.md): header line, canonical hex dump, 26 dashes. */
const hex2 = (b: number) => b.toString(16).padStart(2, '0');

/** `00000000  50 49 4e 47  ...  |PING|`: 16 bytes a line, extra space after the 8th, padded short lines. */
export function hexDump(data: Uint8Array): string {
  let out = '';
  for (let off = 0; off < data.length; off += 16) {
    const row = data.subarray(off, off + 16);
    let hex = '';
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      hex += i < row.length ? `${hex2(row[i]!)} ` : '   ';
      if (i === 7) hex += ' ';
      if (i < row.length) ascii += row[i]! >= 0x20 && row[i]! <= 0x7e ? String.fromCharCode(row[i]!) : '.';
    }
    out += `${off.toString(16).padStart(8, '0')}  ${hex} |${ascii}|\n`;
  }
  return out;
}

export function dumpBlock(time: Date, source: string, destination: string, payload: Uint8Array): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const t = `${p(time.getHours())}:${p(time.getMinutes())}:${p(time.getSeconds())}.${p(time.getMilliseconds(), 3)}`;
  return `[${t}] Packet: ${source} -> ${destination} | Length: ${payload.length} bytes\n--- PAYLOAD (HEX DUMP) ---\n${hexDump(payload)}${'-'.repeat(26)}\n`;
}
