/** Stream data in `dump` summaries: quoted text when it is text, else a hex dump. */
import { hexDump } from './hexdump.js';

const PREVIEW_BYTES = 512;

function isMostlyText(b: Uint8Array): boolean {
  let printable = 0;
  for (const c of b) if ((c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x0d || c === 0x09) printable++;
  return b.length > 0 && printable / b.length > 0.9;
}

export function dataPreview(data: Uint8Array, total: number): string {
  const shown = data.subarray(0, PREVIEW_BYTES);
  const more = total > shown.length ? ` ... (${total - shown.length} more bytes)` : '';
  if (isMostlyText(shown)) {
    let text = '';
    for (const c of shown) {
      if (c === 0x0d) text += '\\r';
      else if (c === 0x0a) text += '\\n';
      else if (c === 0x5c) text += '\\\\';
      else if (c === 0x22) text += '\\"';
      else if (c >= 0x20 && c < 0x7f) text += String.fromCharCode(c);
      else text += `\\x${c.toString(16).padStart(2, '0')}`;
    }
    return `    "${text}"${more}\n`;
  }
  return hexDump(shown).replace(/^/gm, '    ') + (more ? `    ${more.trim()}\n` : '');
}
