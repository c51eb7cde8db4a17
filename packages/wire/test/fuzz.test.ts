/**
 * Property tests with a seeded PRNG: random and mutated frames and stream
 * headers never throw anything but PaqetError, and never read out of bounds.
 */
import { describe, expect, it } from 'vitest';
import { loadVectorPackets } from '@paqet/testkit';
import {
  decodeInboundFrame,
  decodeStreamMessage,
  encodeStreamMessage,
  InboundDecoder,
  PaqetEnvelope,
  PaqetError,
  type StreamMessage,
} from '@paqet/wire';
import { EthernetView, Ipv4View, Ipv6View, TcpView } from '@paqet/wire/layers';
import { guarded, mutate, OutOfBoundsRead, prng } from './fuzz-helpers.js';
import { SPEC_DST_V4, SPEC_DST_V6, SPEC_ENVELOPE, SPEC_FRAMES } from './spec-vectors.js';

const ITERATIONS = 3000;

/** Runs `fn`; only PaqetError may escape (OutOfBoundsRead or TypeError fail the test). */
function onlyTyped(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof PaqetError)) throw e;
  }
}

/** Parses with every view and touches every accessor. */
function parseAllLayers(frame: Uint8Array): void {
  onlyTyped(() => {
    const eth = EthernetView.parse(frame);
    void [eth.destination, eth.source, eth.etherType, eth.payload];
    const ip = eth.etherType === 0x86dd ? Ipv6View.parse(frame, eth.payloadOffset) : Ipv4View.parse(frame, eth.payloadOffset);
    if (ip instanceof Ipv4View) {
      void [ip.version, ip.tos, ip.totalLength, ip.identification, ip.isFragment, ip.ttl, ip.protocol, ip.checksum, ip.options, ip.payload];
      ip.checksumValid();
    } else void [ip.version, ip.trafficClass, ip.flowLabel, ip.payloadLength, ip.nextHeader, ip.hopLimit, ip.payload];
    const tcp = TcpView.parse(frame, ip.payloadOffset, ip.end);
    void [tcp.sourcePort, tcp.destinationPort, tcp.seq, tcp.ack, tcp.flags, tcp.window, tcp.checksum, tcp.urgentPointer, tcp.optionBytes, tcp.payload];
    tcp.checksumValid(ip.source, ip.destination);
    tcp.options();
  });
}

function checkInbound(decoder: InboundDecoder, frame: Uint8Array): void {
  const r = decoder.decode(guarded(frame), 9999);
  if (r.dropReason === null) {
    expect(r.payloadLength).toBeGreaterThan(0);
    expect(r.payloadOffset + r.payloadLength).toBeLessThanOrEqual(frame.length);
    expect(r.source).not.toBeNull();
  }
}

it('the out-of-bounds detector works', () => {
  const g = guarded(new Uint8Array(4));
  expect(g[3]).toBe(0);
  expect(() => g[4]).toThrowError(OutOfBoundsRead);
  expect(g.subarray(1).length).toBe(3);
});

describe('fuzz: frames', () => {
  const seeds: Uint8Array[] = [...SPEC_FRAMES.map((f) => f.frame), ...loadVectorPackets('fec-aes').slice(0, 4).map((p) => p.frame)];

  it('random bytes', () => {
    const rng = prng(1);
    const decoder = new InboundDecoder();
    for (let i = 0; i < ITERATIONS; i++) {
      const frame = rng.bytes(rng.int(120));
      // Force a plausible EtherType half the time so deeper code runs.
      if (frame.length > 14 && rng.next() < 0.5) {
        frame[12] = rng.next() < 0.5 ? 0x08 : 0x86;
        frame[13] = frame[12] === 0x08 ? 0x00 : 0xdd;
      }
      checkInbound(decoder, frame);
      parseAllLayers(guarded(frame));
    }
  });

  it('mutated spec and golden frames', () => {
    const rng = prng(2);
    const decoder = new InboundDecoder();
    for (let i = 0; i < ITERATIONS; i++) {
      const frame = mutate(rng, seeds[rng.int(seeds.length)]);
      checkInbound(decoder, frame);
      parseAllLayers(guarded(frame));
    }
  });

  it('envelope frames with random payloads, flags and counters decode back to the payload with valid checksums', () => {
    const rng = prng(3);
    const out = new Uint8Array(1600);
    for (let i = 0; i < 500; i++) {
      const env = new PaqetEnvelope({ ...SPEC_ENVELOPE, startTimeMs: rng.int(2 ** 32), initialCounter: rng.int(2 ** 32) });
      const payload = rng.bytes(1 + rng.int(1400));
      const v6 = rng.next() < 0.5;
      const n = env.assemble(out, payload, v6 ? SPEC_DST_V6 : SPEC_DST_V4, rng.int(0x200));
      const frame = out.subarray(0, n);
      const r = decodeInboundFrame(frame, 9999);
      expect(r.dropReason).toBeNull();
      expect(r.payloadLength).toBe(payload.length);
      expect(Buffer.compare(r.payload, payload)).toBe(0);
      const ipOff = 14;
      const ip = v6 ? Ipv6View.parse(frame, ipOff) : Ipv4View.parse(frame, ipOff);
      if (ip instanceof Ipv4View) expect(ip.checksumValid()).toBe(true);
      expect(TcpView.parse(frame, ip.payloadOffset, ip.end).checksumValid(ip.source, ip.destination)).toBe(true);
    }
  });
});

describe('fuzz: stream headers', () => {
  const seeds = [
    '5001010000', '5001020000', '5001030003010018', '50010300050200020018', '500103000100',
    '500104000e0b6578616d706c652e636f6d01bb', '500105000a07382e382e382e380035',
  ].map((h) => Uint8Array.from(h.match(/../g)!.map((x) => parseInt(x, 16))));

  function checkDecode(bytes: Uint8Array): void {
    const r = decodeStreamMessage(guarded(bytes));
    if (r.status === 'complete') {
      expect(r.length).toBeLessThanOrEqual(bytes.length);
      // What decodes re-encodes to the same header + body (PING/PONG bodies are ignored).
      if (r.message.type !== 'ping' && r.message.type !== 'pong' && !(r.message.type !== 'tcpf' && /\ufffd/.test(r.message.host))) {
        const again = encodeStreamMessage(r.message);
        const original = bytes.subarray(0, r.length);
        if (r.message.type === 'tcpf') expect(again.length).toBe(original.length);
        else expect(again).toEqual(original);
      }
    } else if (r.status === 'malformed') {
      expect(r.error).toBeInstanceOf(PaqetError);
    } else {
      expect(r.needed).toBeGreaterThan(bytes.length);
    }
  }

  it('random bytes', () => {
    const rng = prng(4);
    for (let i = 0; i < ITERATIONS; i++) {
      const b = rng.bytes(rng.int(40));
      if (b.length > 1 && rng.next() < 0.7) {
        b[0] = 0x50;
        b[1] = 0x01;
      }
      if (b.length > 4 && rng.next() < 0.7) b[3] = 0;
      checkDecode(b);
    }
  });

  it('mutated vectors', () => {
    const rng = prng(5);
    for (let i = 0; i < ITERATIONS; i++) checkDecode(mutate(rng, seeds[rng.int(seeds.length)]));
  });

  it('random messages either encode and round-trip or throw PaqetError', () => {
    const rng = prng(6);
    for (let i = 0; i < ITERATIONS; i++) {
      const kind = rng.int(5);
      let m: StreamMessage;
      if (kind === 0) m = { type: 'ping' };
      else if (kind === 1) m = { type: 'pong' };
      else if (kind === 2) m = { type: 'tcpf', flags: Array.from({ length: rng.int(70) }, () => rng.int(0x200)) };
      else {
        const host = String.fromCharCode(...Array.from({ length: rng.int(260) }, () => 0x21 + rng.int(90)));
        m = { type: kind === 3 ? 'tcp' : 'udp', host, port: rng.int(70000) };
      }
      let bytes: Uint8Array | null = null;
      onlyTyped(() => {
        bytes = encodeStreamMessage(m);
      });
      if (bytes) expect(decodeStreamMessage(bytes)).toEqual({ status: 'complete', message: m, length: (bytes as Uint8Array).length });
    }
  });
});
