/**
 * The PacketConn compliance suite: the same vitest tests for every
 * implementation (memory link, node:dgram UDP, pcap raw socket).
 *
 *   describePacketConnCompliance('udp', async () => ({ a, b, aEndpoint, bEndpoint, cleanup }));
 *
 * `aEndpoint` is where b must send to reach a (and the `from` b sees for a's
 * datagrams); `bEndpoint` likewise.
 */
import { describe, expect, it } from 'vitest';
import type { Endpoint, PacketConn } from '@paqet/wire';

export interface PacketConnPair {
  a: PacketConn;
  b: PacketConn;
  aEndpoint: Endpoint;
  bEndpoint: Endpoint;
  cleanup: () => void | Promise<void>;
}

export interface PacketConnComplianceOptions {
  /** Datagrams each way in the bulk test (default 500). */
  count?: number;
  /** Payload sizes cycled through in the bulk test (default 1..1400 spread). */
  sizes?: number[];
  /** Fraction of bulk datagrams that must arrive (default 1: all). Corruption is never allowed. */
  minDeliveryRatio?: number;
  /** Datagrams sent per event-loop turn in the bulk test (default 32), so kernel buffers keep up. */
  burst?: number;
  /** Pause in ms after each burst instead of one event-loop turn (default 0): paces a flood with no flow control. */
  pauseMs?: number;
  /** Per-test time limit in ms (default 20 s). */
  timeoutMs?: number;
  /** Wait for stragglers after the last send (default 300 ms). */
  settleMs?: number;
}

const DEFAULT_SIZES = [1, 2, 24, 100, 511, 512, 1000, 1300, 1350, 1400];

const tick = () => new Promise<void>((r) => setImmediate(r));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await sleep(2);
  }
  return true;
}

/** Payload i: 4-byte index, 4-byte FNV-1a of the rest, then bytes from the index. */
function makeDatagram(index: number, size: number, dir: number): Uint8Array {
  const d = new Uint8Array(Math.max(size, 9));
  for (let k = 9; k < d.length; k++) d[k] = (index * 31 + k * 7 + dir) & 0xff;
  d[8] = dir;
  new DataView(d.buffer).setUint32(0, index);
  new DataView(d.buffer).setUint32(4, fnv(d.subarray(8)));
  return d;
}

function fnv(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193) >>> 0;
  return h;
}

function sameEndpoint(x: Endpoint, y: Endpoint): boolean {
  return x.address === y.address && x.port === y.port;
}

export function describePacketConnCompliance(
  name: string,
  factory: () => PacketConnPair | Promise<PacketConnPair>,
  options: PacketConnComplianceOptions = {},
): void {
  const count = options.count ?? 500;
  const sizes = options.sizes ?? DEFAULT_SIZES;
  const minRatio = options.minDeliveryRatio ?? 1;
  const burst = options.burst ?? 32;
  const pauseMs = options.pauseMs ?? 0;
  const timeout = options.timeoutMs ?? 20_000;
  const settle = options.settleMs ?? 300;

  const withPair = (fn: (p: PacketConnPair) => Promise<void>) => async () => {
    const pair = await factory();
    try {
      await fn(pair);
    } finally {
      await pair.cleanup();
    }
  };

  describe(`PacketConn compliance: ${name}`, () => {
    it(
      'delivers one datagram with the right source endpoint',
      withPair(async ({ a, b, aEndpoint, bEndpoint }) => {
        const got: { data: Uint8Array; from: Endpoint }[] = [];
        b.onDatagram((d, from) => got.push({ data: d.slice(), from: { address: from.address, port: from.port } }));
        a.send(new Uint8Array([1, 2, 3, 4, 5]), bEndpoint);
        expect(await waitFor(() => got.length >= 1, 5000)).toBe(true);
        expect(Array.from(got[0].data)).toEqual([1, 2, 3, 4, 5]);
        expect(sameEndpoint(got[0].from, aEndpoint)).toBe(true);
        const back: Endpoint[] = [];
        a.onDatagram((_d, from) => back.push({ address: from.address, port: from.port }));
        b.send(new Uint8Array([9]), got[0].from);
        expect(await waitFor(() => back.length >= 1, 5000)).toBe(true);
        expect(sameEndpoint(back[0], bEndpoint)).toBe(true);
      }),
      timeout,
    );

    it(
      `carries ${count} datagrams of varied sizes each way uncorrupted`,
      withPair(async ({ a, b, aEndpoint, bEndpoint }) => {
        const max = Math.min(a.maxDatagramSize ?? 65507, b.maxDatagramSize ?? 65507);
        const useSizes = sizes.filter((s) => s <= max);
        const seen = [new Set<number>(), new Set<number>()];
        let corrupt = 0;
        let wrongSource = 0;
        const receiver = (dir: number, expectFrom: Endpoint) => (d: Uint8Array, from: Endpoint) => {
          if (!sameEndpoint(from, expectFrom)) wrongSource++;
          if (d.length < 9 || d[8] !== dir) return void corrupt++;
          const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
          const idx = dv.getUint32(0);
          const want = makeDatagram(idx, useSizes[idx % useSizes.length], dir);
          if (want.length !== d.length || dv.getUint32(4) !== fnv(d.subarray(8))) return void corrupt++;
          for (let k = 0; k < d.length; k++) if (d[k] !== want[k]) return void corrupt++;
          seen[dir].add(idx);
        };
        b.onDatagram(receiver(0, aEndpoint));
        a.onDatagram(receiver(1, bEndpoint));
        const buf0 = new Uint8Array(65536);
        for (let i = 0; i < count; i++) {
          const size = useSizes[i % useSizes.length];
          const d0 = makeDatagram(i, size, 0);
          // Send from a reused buffer: the conn must not keep it.
          buf0.set(d0);
          a.send(buf0.subarray(0, d0.length), bEndpoint);
          buf0.fill(0xee, 0, d0.length);
          b.send(makeDatagram(i, size, 1), aEndpoint);
          if (i % burst === burst - 1) await (pauseMs > 0 ? sleep(pauseMs) : tick());
        }
        const need = Math.ceil(count * minRatio);
        await waitFor(() => seen[0].size >= count && seen[1].size >= count, Math.max(settle, 5000));
        if (seen[0].size < count || seen[1].size < count) await sleep(settle);
        expect(corrupt).toBe(0);
        expect(wrongSource).toBe(0);
        expect(seen[0].size).toBeGreaterThanOrEqual(need);
        expect(seen[1].size).toBeGreaterThanOrEqual(need);
      }),
      timeout,
    );

    it(
      'carries a datagram of the advertised maximum size (capped at 1500)',
      withPair(async ({ a, b, bEndpoint }) => {
        const size = Math.min(a.maxDatagramSize ?? 1500, 1500);
        const d = new Uint8Array(size).map((_, i) => (i * 13) & 0xff);
        const got: Uint8Array[] = [];
        b.onDatagram((x) => got.push(x.slice()));
        a.send(d, bEndpoint);
        expect(await waitFor(() => got.length >= 1, 5000)).toBe(true);
        expect(Buffer.from(got[0]).equals(Buffer.from(d))).toBe(true);
      }),
      timeout,
    );

    it(
      'swaps and clears the handler',
      withPair(async ({ a, b, bEndpoint }) => {
        const first: number[] = [];
        const second: number[] = [];
        b.onDatagram((d) => first.push(d[0]));
        a.send(new Uint8Array([1]), bEndpoint);
        expect(await waitFor(() => first.length >= 1, 5000)).toBe(true);
        b.onDatagram((d) => second.push(d[0]));
        a.send(new Uint8Array([2]), bEndpoint);
        expect(await waitFor(() => second.length >= 1, 5000)).toBe(true);
        expect(first).toEqual([1]);
        expect(second).toEqual([2]);
        b.onDatagram(null);
        a.send(new Uint8Array([3]), bEndpoint);
        await sleep(50);
        expect(first).toEqual([1]);
        expect(second).toEqual([2]);
      }),
      timeout,
    );

    it(
      'close is idempotent, sets closed, and send after close does not throw',
      withPair(async ({ a, b, aEndpoint, bEndpoint }) => {
        const got: number[] = [];
        a.onDatagram((d) => got.push(d[0]));
        expect(a.closed).toBe(false);
        a.close();
        expect(a.closed).toBe(true);
        expect(() => a.close()).not.toThrow();
        expect(() => a.send(new Uint8Array([1]), bEndpoint)).not.toThrow();
        // Datagrams to a closed conn are not delivered to its old handler.
        b.send(new Uint8Array([7]), aEndpoint);
        await sleep(50);
        expect(got).toEqual([]);
      }),
      timeout,
    );

    it(
      'sending to an endpoint nobody listens on does not throw',
      withPair(async ({ a, bEndpoint }) => {
        const nobody = { address: bEndpoint.address, port: bEndpoint.port === 9 ? 10 : 9 };
        expect(() => a.send(new Uint8Array([1, 2]), nobody)).not.toThrow();
        expect(() => a.send(new Uint8Array([3, 4]), nobody)).not.toThrow();
        await sleep(20);
        expect(a.closed).toBe(false);
      }),
      timeout,
    );
  });
}
