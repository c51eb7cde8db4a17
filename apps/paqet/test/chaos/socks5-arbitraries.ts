/**
 * fast-check generators for hostile SOCKS5 clients: random bytes, and RFC 1928/1929
 * handshakes with fields set to random or extreme values, cut short or padded, delivered in
 * random chunks, sometimes followed by an early half-close.
 */
import fc from 'fast-check';

/** A destination inside the lab (the target) or one the server cannot reach at all. */
const address = fc.oneof(
  fc.constant([1, 10, 200, 2, 2]),
  fc.tuple(fc.constant(1), fc.uint8Array({ minLength: 4, maxLength: 4 })).map(([t, a]) => [t, ...a]),
  fc.tuple(fc.constant(4), fc.uint8Array({ minLength: 16, maxLength: 16 })).map(([t, a]) => [t, ...a]),
  fc.string({ minLength: 0, maxLength: 300 }).map((name) => {
    const bytes = [...Buffer.from(name)];
    return [3, bytes.length & 0xff, ...bytes];
  }),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 20 })).map(([t, a]) => [t, ...a]),
);

const greeting = fc.oneof(
  fc.constant([5, 1, 0]),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 255 })).map(([v, m]) => [v, m.length, ...m]),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 8 })).map(([v, n, m]) => [v, n, ...m]),
);

/** RFC 1929 sub-negotiation (the daemon is configured without auth, so it is unexpected here). */
const userPass = fc
  .tuple(fc.integer({ min: 0, max: 2 }), fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }))
  .map(([v, u, p]) => [v, u.length & 0xff, ...u, p.length & 0xff, ...p]);

const request = fc
  .tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 255 }), address, fc.integer({ min: 0, max: 65535 }))
  .map(([v, cmd, rsv, addr, port]) => [v === 6 ? 5 : v, cmd, rsv === 0 || rsv > 200 ? 0 : rsv, ...addr, port >> 8, port & 0xff]);

/** The bytes one hostile client sends. */
export const socksBytes = fc.oneof(
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 600 }).map((b) => [...b]) },
  {
    weight: 5,
    arbitrary: fc
      .tuple(greeting, fc.option(userPass, { freq: 4 }), request, fc.uint8Array({ maxLength: 64 }), fc.nat())
      .map(([g, up, r, tail, cut]) => {
        const all = [...g, ...(up ?? []), ...r, ...tail];
        // Half the time the client stops early, somewhere in the handshake.
        return cut % 2 ? all.slice(0, cut % (all.length + 1)) : all;
      }),
  },
);

export interface HostileClient {
  chunks: number[][];
  /** End our side after sending (half-close) instead of waiting for the server. */
  halfClose: boolean;
}

export const hostileClient: fc.Arbitrary<HostileClient> = fc
  .tuple(socksBytes, fc.array(fc.nat(), { maxLength: 4 }), fc.boolean())
  .map(([bytes, cuts, halfClose]) => {
    const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
    const chunks: number[][] = [];
    let from = 0;
    for (const p of [...points, bytes.length]) {
      if (p > from) chunks.push(bytes.slice(from, p));
      from = p;
    }
    return { chunks, halfClose };
  });
