/**
 * Packet-level fuzzer for the server's inbound path, in-process against the real code:
 * frame (InboundDecoder) -> datagram (cipher, FEC) -> KCP -> smux -> paqet header
 * (the daemon's handleStream). Each round replays the client side of a golden capture of the Go
 * program (fixtures/go-paqet-captures) from its own source port, with seeded mutations:
 * bytes of whole frames, and bytes of the decrypted datagram (biased towards the KCP
 * header, the smux header and the paqet header) re-sealed with the right key so they get
 * past the CRC; frames are also dropped, duplicated and swapped. Nothing may throw, every
 * stream's handling ends when its session closes, and afterwards the untouched capture
 * still decodes to the request it holds (the server asks to dial 10.200.2.2:8000).
 */
import { PaqetEnvelope } from '@paqet/wire';
import { createDatagramCipher, FEC_HEADER_SIZE, isBlockName, type BlockName } from '@paqet/kcp';
import { GOLDEN, loadManifest, loadVectorPackets, SeededRandom } from '@paqet/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { InboundServer } from './inbound-server.js';
import { report, scale, SEED } from './profile.js';

const VECTORS = ['aes', 'aes-128-gcm', 'fec-aes', 'salsa20', 'null'];
const ROUNDS = scale(400, 8000);
const KEY = Buffer.from(GOLDEN.keyHexAll, 'hex');
const manifest = loadManifest();

interface Target {
  name: string;
  block: BlockName;
  server: InboundServer;
  /** The client's datagrams in capture order. */
  datagrams: Uint8Array[];
  fec: boolean;
}

const targets: Target[] = VECTORS.map((name) => {
  const m = manifest[name]!;
  if (!isBlockName(m.block)) throw new Error(`${name}: unknown block ${m.block}`);
  return {
    name,
    block: m.block,
    server: new InboundServer({ block: m.block, key: KEY, port: GOLDEN.server.port, dshard: m.dshard, pshard: m.pshard }),
    datagrams: loadVectorPackets(name).filter((p) => p.fromClient && p.payload.length > 0).map((p) => p.payload.slice()),
    fec: m.dshard > 0,
  };
});

afterAll(() => {
  for (const t of targets) t.server.close();
});

/** One byte-level edit: flip a bit, set a byte (often to an extreme), cut, or extend. */
function mutateBytes(rng: SeededRandom, input: Uint8Array, hotStart: number, hotEnd: number): Uint8Array {
  let b = input.slice();
  const edits = 1 + rng.int(3);
  for (let e = 0; e < edits; e++) {
    if (b.length === 0) break;
    // Three edits in four land in the layer being aimed at.
    const inHot = rng.next() < 0.75 && hotEnd > hotStart && hotStart < b.length;
    const at = inHot ? hotStart + rng.int(Math.min(hotEnd, b.length) - hotStart) : rng.int(b.length);
    const kind = rng.int(6);
    if (kind === 0) b[at] ^= 1 << rng.int(8);
    else if (kind === 1) b[at] = rng.int(256);
    else if (kind === 2) b[at] = rng.next() < 0.5 ? 0 : 0xff;
    else if (kind === 3) b = b.slice(0, rng.int(b.length + 1));
    else if (kind === 4) {
      const extended = new Uint8Array(b.length + 1 + rng.int(64));
      extended.set(b);
      rng.fill(extended.subarray(b.length));
      b = extended;
    } else {
      // a 32-bit little-endian field (conv, ts, sn, una, len) to an extreme
      const v = [0, 1, 0x7fffffff, 0xffffffff, rng.int(0x100000000)][rng.int(5)]!;
      for (let i = 0; i < 4 && at + i < b.length; i++) b[at + i] = (v >>> (8 * i)) & 0xff;
    }
  }
  return b;
}

/** Decrypts a copy, mutates the plaintext aimed at one layer, re-seals it (valid CRC / tag). */
function mutatePlaintext(rng: SeededRandom, t: Target, datagram: Uint8Array): Uint8Array | null {
  const cipher = createDatagramCipher(t.block, KEY);
  const plain = cipher.open(datagram.slice());
  if (typeof plain === 'string') return null;
  const base = t.fec ? FEC_HEADER_SIZE : 0;
  // KCP header [base, +24), then in a PUSH: smux header (8), then the paqet header (5 + body).
  const layers: [number, number][] = [[0, base + 24], [base, base + 24], [base + 24, base + 32], [base + 32, base + 60]];
  const [from, to] = layers[rng.int(layers.length)]!;
  const mutated = mutateBytes(rng, plain, from, to);
  const buf = new Uint8Array(cipher.headerSize + mutated.length + cipher.trailerSize);
  buf.set(mutated, cipher.headerSize);
  return buf.subarray(0, cipher.seal(buf, mutated.length));
}

function clientEnvelope(port: number): PaqetEnvelope {
  return new PaqetEnvelope({ localMac: GOLDEN.client.mac, routerMacV4: GOLDEN.server.mac, localIpv4: GOLDEN.client.address, localPort: port });
}

/** The capture's client datagrams as frames from `port`, with the round's mutations. */
function roundFrames(rng: SeededRandom, t: Target, port: number, mutate: boolean): Uint8Array[] {
  const envelope = clientEnvelope(port);
  const to = { address: GOLDEN.server.address, port: GOLDEN.server.port };
  const frames: Uint8Array[] = [];
  for (const d of t.datagrams) {
    let datagram: Uint8Array<ArrayBufferLike> = d;
    if (mutate && rng.next() < 0.2) datagram = mutatePlaintext(rng, t, d) ?? d;
    const out = new Uint8Array(PaqetEnvelope.frameLength(datagram.length, 4, true));
    let frame: Uint8Array = out.subarray(0, envelope.assemble(out, datagram, to));
    if (mutate && rng.next() < 0.1) frame = mutateBytes(rng, frame, 0, 66);
    frames.push(frame);
  }
  if (mutate) {
    const roll = rng.next();
    const i = rng.int(frames.length);
    if (roll < 0.05) frames.splice(i, 1);
    else if (roll < 0.1) frames.splice(i, 0, frames[i]!);
    else if (roll < 0.15 && i + 1 < frames.length) [frames[i], frames[i + 1]] = [frames[i + 1]!, frames[i]!];
  }
  return frames;
}

const tally = (m: Record<string, number> | Map<string, number>) => [...(m instanceof Map ? m.values() : Object.values(m))].reduce((a, b) => a + b, 0);

const GOLDEN_TARGET = 'tcp 10.200.2.2:8000';

describe('chaos: inbound path fuzzing (frame -> datagram -> KCP -> smux -> header)', () => {
  it('the untouched golden captures decode to their requests (the harness reaches the header layer)', async () => {
    for (const t of targets) {
      for (const frame of roundFrames(new SeededRandom(1), t, 10000, false)) t.server.feed(frame);
      await t.server.settle();
      expect(t.server.dialer.targets, t.name).toContain(GOLDEN_TARGET);
      expect(t.server.counters.tcpf, t.name).toBeGreaterThan(0);
      await t.server.closeSessions();
    }
  });

  it(`${ROUNDS} mutated replays: nothing throws, every stream's handling ends, every layer is reached`, async () => {
    const rng = new SeededRandom(SEED);
    for (let round = 0; round < ROUNDS; round++) {
      const t = targets[rng.int(targets.length)]!;
      // Distinct source endpoints make distinct sessions on the long-lived listener.
      const port = 20000 + (round % 40000);
      for (const frame of roundFrames(rng, t, port, true)) t.server.feed(frame);
      await t.server.settle();
      await t.server.closeSessions();
      expect(t.server.sessions, `${t.name} round ${round}`).toBe(0);
      expect(t.server.unfinishedStreams, `${t.name} round ${round}: a stream's handling never ended`).toBe(0);
    }
    const sum = (f: (t: Target) => number) => targets.reduce((a, t) => a + f(t), 0);
    const outcome = {
      decoderDrops: sum((t) => tally(t.server.conn.decoderDrops)),
      datagramDrops: sum((t) => tally(t.server.listener.drops)),
      smuxProtocolErrors: sum((t) => t.server.smuxProtocolErrors),
      headersOk: sum((t) => t.server.counters.tcp + t.server.counters.udp + t.server.counters.tcpf + t.server.counters.pings),
      headersMalformed: sum((t) => t.server.counters.badHeaders),
      streamsEndedEarly: sum((t) => t.server.counters.emptyStreams),
    };
    report(`inbound fuzz: ${ROUNDS} rounds (seed ${SEED}): ${JSON.stringify(outcome)}`);
    for (const [k, v] of Object.entries(outcome)) expect(v, k).toBeGreaterThan(0);
  }, 600_000);

  it('afterwards the untouched captures still decode to their requests from a new source', async () => {
    for (const t of targets) {
      const before = t.server.dialer.targets.length;
      for (const frame of roundFrames(new SeededRandom(2), t, 65000, false)) t.server.feed(frame);
      await t.server.settle();
      expect(t.server.dialer.targets.slice(before), t.name).toContain(GOLDEN_TARGET);
      await t.server.closeSessions();
    }
  });
});
