import * as zlib from 'node:zlib';

let table: Uint32Array | undefined;

function crc32Table(data: Uint8Array): number {
  table ??= (() => {
    const t = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      t[n] = c >>> 0;
    }
    return t;
  })();
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

type Crc32 = (data: Uint8Array) => number;
const native = (zlib as { crc32?: Crc32 }).crc32;

/** CRC32-IEEE (zlib/PNG). Uses zlib.crc32 where Node has it (20.15+), else a table. */
export const crc32: Crc32 = native ? (data) => native(data) >>> 0 : crc32Table;
export { crc32Table };
