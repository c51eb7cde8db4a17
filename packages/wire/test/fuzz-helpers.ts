/** Seeded PRNG and an out-of-bounds-read detector for the property tests. */

/** mulberry32: tiny, fast, deterministic. */
export function prng(seed: number): { next(): number; int(max: number): number; bytes(n: number): Uint8Array } {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  const bytes = (n: number) => {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = int(256);
    return b;
  };
  return { next, int, bytes };
}

export class OutOfBoundsRead extends Error {}

/**
 * Wraps bytes so that reading an index outside [0, length) throws
 * OutOfBoundsRead (plain typed arrays silently return undefined).
 */
export function guarded(bytes: Uint8Array): Uint8Array {
  return new Proxy(bytes, {
    get(target, prop) {
      if (typeof prop === 'string' && /^-?\d+$/.test(prop)) {
        const i = Number(prop);
        if (i < 0 || i >= target.length) throw new OutOfBoundsRead(`read of index ${i} of ${target.length}`);
        return target[i];
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

/** Random edits of a valid input: flip, set, truncate, extend. */
export function mutate(rng: ReturnType<typeof prng>, input: Uint8Array): Uint8Array {
  let b = input.slice();
  const edits = 1 + rng.int(4);
  for (let e = 0; e < edits; e++) {
    const kind = rng.int(5);
    if (kind === 0 && b.length) b[rng.int(b.length)] ^= 1 << rng.int(8);
    else if (kind === 1 && b.length) b[rng.int(b.length)] = rng.int(256);
    else if (kind === 2) b = b.slice(0, rng.int(b.length + 1));
    else if (kind === 3) {
      const ext = new Uint8Array(b.length + 1 + rng.int(16));
      ext.set(b);
      ext.set(rng.bytes(ext.length - b.length), b.length);
      b = ext;
    } else if (b.length) {
      // set a length-ish field to an extreme
      b[rng.int(Math.min(b.length, 60))] = rng.next() < 0.5 ? 0 : 0xff;
    }
  }
  return b;
}
