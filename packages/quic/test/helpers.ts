import { createHash } from 'node:crypto';
import type { Duplex } from 'node:stream';

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Everything a stream yields until its end. */
export function readAll(stream: Duplex): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

/** Deterministic bytes (a simple LCG), so a mismatch is reproducible. */
export function patternBytes(n: number, seed = 1): Buffer {
  const b = Buffer.allocUnsafe(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}
