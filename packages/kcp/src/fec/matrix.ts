import { gfInv, gfMul, gfPow } from './galois.js';

/** A matrix over GF(2^8) as an array of rows. */
export type GfMatrix = Uint8Array[];

export function zeroMatrix(rows: number, cols: number): GfMatrix {
  return Array.from({ length: rows }, () => new Uint8Array(cols));
}

export function identityMatrix(size: number): GfMatrix {
  const m = zeroMatrix(size, size);
  for (let i = 0; i < size; i++) m[i]![i] = 1;
  return m;
}

/** V[r][c] = r^c, rows 0..rows-1 (docs/protocol/fec.md, section 4 step 1). */
export function vandermonde(rows: number, cols: number): GfMatrix {
  const m = zeroMatrix(rows, cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) m[r]![c] = gfPow(r, c);
  return m;
}

export function multiply(a: GfMatrix, b: GfMatrix): GfMatrix {
  const inner = b.length;
  const cols = b[0]!.length;
  const out = zeroMatrix(a.length, cols);
  for (let r = 0; r < a.length; r++) {
    for (let c = 0; c < cols; c++) {
      let acc = 0;
      for (let k = 0; k < inner; k++) acc ^= gfMul(a[r]![k]!, b[k]![c]!);
      out[r]![c] = acc;
    }
  }
  return out;
}

/** Gauss-Jordan inverse of a square matrix; throws if it is singular. */
export function invert(m: GfMatrix): GfMatrix {
  const n = m.length;
  const work = m.map((row) => Uint8Array.from(row));
  const inv = identityMatrix(n);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    while (pivot < n && work[pivot]![col] === 0) pivot++;
    if (pivot === n) throw new RangeError('matrix is singular');
    if (pivot !== col) {
      [work[col], work[pivot]] = [work[pivot]!, work[col]!];
      [inv[col], inv[pivot]] = [inv[pivot]!, inv[col]!];
    }
    const scale = gfInv(work[col]![col]!);
    for (let c = 0; c < n; c++) {
      work[col]![c] = gfMul(work[col]![c]!, scale);
      inv[col]![c] = gfMul(inv[col]![c]!, scale);
    }
    for (let r = 0; r < n; r++) {
      const factor = work[r]![col]!;
      if (r === col || factor === 0) continue;
      for (let c = 0; c < n; c++) {
        work[r]![c] ^= gfMul(factor, work[col]![c]!);
        inv[r]![c] ^= gfMul(factor, inv[col]![c]!);
      }
    }
  }
  return inv;
}
