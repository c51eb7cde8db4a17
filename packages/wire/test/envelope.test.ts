import { describe, expect, it } from 'vitest';
import {
  completeTcpChecksum,
  FlagCycler,
  formatTcpFlags,
  generateSegmentNumbers,
  IpEndpoint,
  PaqetEnvelope,
  PaqetValueError,
  parseTcpFlagList,
  parseTcpFlags,
  TcpFlag,
  WireErrorCode,
} from '@paqet/wire';
import { toHex } from './hex.js';
import { PING, SPEC_DST_V4, SPEC_DST_V6, SPEC_ENVELOPE, SPEC_FRAMES, SPEC_T0 } from './spec-vectors.js';

describe('flag letters (docs/protocol/frames.md, section 4)', () => {
  it.each([
    ['PA', 0x18],
    ['S', 0x02],
    ['A', 0x10],
    ['SA', 0x12],
    ['FPA', 0x19],
    ['NCEU', 0x1e0],
    ['', 0],
    ['AAPP', 0x18],
    ['FSRPAUECN', 0x1ff],
  ])('%j -> 0x%s', (text, bits) => {
    expect(parseTcpFlags(text)).toBe(bits);
  });
  it.each([['pa', 'p'], ['P A', ' '], ['PX', 'X'], ['P\u00c4', '\u00c4']])('rejects %j naming %j', (text, bad) => {
    try {
      parseTcpFlags(text, 'network.tcp.local_flag[0]');
      throw new Error('no throw');
    } catch (e) {
      expect(e).toBeInstanceOf(PaqetValueError);
      const err = e as PaqetValueError;
      expect(err.code).toBe(WireErrorCode.TcpFlags);
      expect(err.field).toBe('network.tcp.local_flag[0]');
      expect(err.value).toBe(bad);
    }
  });
  it('formats back to letters', () => {
    expect(formatTcpFlags(0x18)).toBe('PA');
    expect(formatTcpFlags(0x1ff)).toBe('FSRPAUECN');
  });
  it('lists: default ["PA"], 1..64 entries', () => {
    expect(parseTcpFlagList(undefined)).toEqual([0x18]);
    expect(parseTcpFlagList([])).toEqual([0x18]);
    expect(parseTcpFlagList(['S', 'PA'])).toEqual([0x02, 0x18]);
    expect(parseTcpFlagList(new Array(64).fill('A'))).toHaveLength(64);
    expect(() => parseTcpFlagList(new Array(65).fill('A'))).toThrowError(expect.objectContaining({ code: WireErrorCode.TcpFlags, value: 65 }));
    expect(() => parseTcpFlagList(['PA', 'x'], 'remote_flag')).toThrowError(expect.objectContaining({ field: 'remote_flag[1]', value: 'x' }));
  });
});

describe('flag cycling (docs/protocol/frames.md, section 4)', () => {
  it('cycles list[i mod n] and restarts at 0 on replace', () => {
    const c = new FlagCycler([1, 2, 3]);
    expect([c.next(), c.next(), c.next(), c.next()]).toEqual([1, 2, 3, 1]);
    c.replace([7, 8]);
    expect([c.next(), c.next(), c.next()]).toEqual([7, 8, 7]);
    expect(() => new FlagCycler([])).toThrowError(PaqetValueError);
  });

  it('uses a per-destination list when installed, the shared default otherwise', () => {
    const env = new PaqetEnvelope({ ...SPEC_ENVELOPE, localFlags: ['PA', 'A'] });
    const out = new Uint8Array(200);
    const flagsOf = (dst: { address: string; port: number }) => {
      const n = env.assemble(out, PING, dst);
      expect(n).toBeGreaterThan(0);
      return ((out[46] & 1) << 8) | out[47];
    };
    const peer = { address: '198.51.100.20', port: 9999 };
    const other = { address: '198.51.100.21', port: 9999 };
    expect(flagsOf(peer)).toBe(0x18);
    expect(flagsOf(other)).toBe(0x10); // one global rotation shared by all destinations
    env.flags.setPeerFlags(peer, [TcpFlag.SYN, TcpFlag.PSH | TcpFlag.ACK]);
    expect(flagsOf(peer)).toBe(0x02);
    expect(flagsOf(peer)).toBe(0x18);
    expect(flagsOf(other)).toBe(0x18);
    expect(flagsOf(peer)).toBe(0x02);
    // a new TCPF restarts the rotation; the IPv4-mapped form is the same key
    env.flags.setPeerFlags({ address: '::ffff:198.51.100.20', port: 9999 }, [TcpFlag.SYN, TcpFlag.ACK]);
    expect(env.flags.peerEntryCount).toBe(1);
    expect(flagsOf(peer)).toBe(0x02);
    expect(flagsOf({ address: '::ffff:198.51.100.20', port: 9999 })).toBe(0x10);
    // an empty TCPF list clears the entry
    env.flags.setPeerFlags(peer, []);
    expect(env.flags.peerFlags(peer)).toBeNull();
    expect(flagsOf(peer)).toBe(0x10);
  });
});

describe('generators (docs/protocol/frames.md, section 3)', () => {
  it('gives the worked-vector numbers', () => {
    expect({ ...generateSegmentNumbers(SPEC_T0, 1, 0x18) }).toEqual({ seq: 0x123456f8, ack: 0x12345c6f, tsval: 0x12345678, tsecr: 0x12345645 });
    expect({ ...generateSegmentNumbers(SPEC_T0, 2, 0x02) }).toEqual({ seq: 3, ack: 0, tsval: 0x12345678, tsecr: 0 });
    expect({ ...generateSegmentNumbers(SPEC_T0, 9, 0x12) }).toEqual({ seq: 2, ack: 3, tsval: 0x12345679, tsecr: 0 });
  });
  it('wraps modulo 2^32', () => {
    const t0 = 0xffffff00;
    const c = 0xffffffff;
    const n = generateSegmentNumbers(t0, c, 0x18);
    const big = (x: bigint) => Number(x & 0xffffffffn);
    const tsval = big(BigInt(t0) + (BigInt(c) >> 3n));
    expect(n.tsval).toBe(tsval);
    expect(n.tsecr).toBe(big(BigInt(tsval) - BigInt((c % 200) + 50)));
    const seq = big(BigInt(t0) + (BigInt(c) << 7n));
    expect(n.seq).toBe(seq);
    expect(n.ack).toBe(big(BigInt(seq) - BigInt(c & 0x3ff) + 1400n));
  });
  it('the envelope counter wraps from 2^32-1 to 0', () => {
    const env = new PaqetEnvelope({ ...SPEC_ENVELOPE, initialCounter: 0xfffffffe });
    const out = new Uint8Array(100);
    env.assemble(out, PING, SPEC_DST_V4);
    expect(env.counter).toBe(0xffffffff);
    env.assemble(out, PING, SPEC_DST_V4);
    expect(env.counter).toBe(0);
    expect(toHex(out.subarray(38, 42))).toBe(toHex(Uint8Array.of(0x12, 0x34, 0x56, 0x78))); // seq = T0 + (0 << 7)
  });
});

describe('envelope frames equal the docs/protocol/frames.md, section 3 vectors', () => {
  it.each(SPEC_FRAMES)('$name', (v) => {
    const env = new PaqetEnvelope({ ...SPEC_ENVELOPE, initialCounter: v.counter - 1 });
    const out = new Uint8Array(256).fill(0xee);
    const off = 5;
    const dst = v.v6 ? SPEC_DST_V6 : SPEC_DST_V4;
    const n = env.assemble(out, v.payload, dst, parseTcpFlags(v.flags), off);
    expect(n).toBe(v.frame.length);
    expect(toHex(out.subarray(off, off + n))).toBe(toHex(v.frame));
    expect(out[off - 1]).toBe(0xee);
    expect(out[off + n]).toBe(0xee);
    expect(env.counter).toBe(v.counter);
  });

  it.each(SPEC_FRAMES)('$name, with the TCP checksum left partial and then completed', (v) => {
    const env = new PaqetEnvelope({ ...SPEC_ENVELOPE, initialCounter: v.counter - 1 });
    const out = new Uint8Array(256).fill(0xee);
    const off = 5;
    const n = env.assemblePartial(out, v.payload, v.v6 ? SPEC_DST_V6 : SPEC_DST_V4, parseTcpFlags(v.flags), off);
    expect(n).toBe(v.frame.length);
    expect(env.lastTcpOffset).toBe(v.v6 ? 54 : 34);
    const frame = out.subarray(off, off + n);
    const at = env.lastTcpOffset + 16;
    // Everything but the checksum is final; the checksum field holds the pseudo-header sum.
    expect(toHex(frame.subarray(0, at))).toBe(toHex(v.frame.subarray(0, at)));
    expect(toHex(frame.subarray(at + 2))).toBe(toHex(v.frame.subarray(at + 2)));
    completeTcpChecksum(frame, env.lastTcpOffset);
    expect(toHex(frame)).toBe(toHex(v.frame));
    expect(out[off + n]).toBe(0xee);
  });

  it('partial then completed equals assemble for every payload length 0..1500', () => {
    const full = new PaqetEnvelope(SPEC_ENVELOPE);
    const partial = new PaqetEnvelope(SPEC_ENVELOPE);
    const a = new Uint8Array(1600);
    const b = new Uint8Array(1600);
    const payload = Uint8Array.from({ length: 1500 }, (_, i) => (i * 7919 + 13) & 0xff);
    for (let len = 0; len <= 1500; len++) {
      const dst = len % 2 === 0 ? SPEC_DST_V4 : SPEC_DST_V6;
      const na = full.assemble(a, payload.subarray(0, len), dst);
      const nb = partial.assemblePartial(b, payload.subarray(0, len), dst);
      completeTcpChecksum(b.subarray(0, nb), partial.lastTcpOffset);
      expect(nb).toBe(na);
      if (toHex(a.subarray(0, na)) !== toHex(b.subarray(0, nb))) expect.fail(`payload length ${len} differs`);
    }
  });

  it('completeTcpChecksum refuses a frame too short for its TCP header', () => {
    expect(() => completeTcpChecksum(new Uint8Array(40), 34)).toThrowError(RangeError);
    expect(() => completeTcpChecksum(new Uint8Array(60), 34, 61)).toThrowError(RangeError);
  });

  it('cycles the default ["PA"] when no flags are given, and IpEndpoint / mapped destinations work', () => {
    const env = new PaqetEnvelope(SPEC_ENVELOPE);
    const out = new Uint8Array(100);
    const n = env.assemble(out, PING, IpEndpoint.parse('[::ffff:198.51.100.20]:9999'));
    expect(toHex(out.subarray(0, n))).toBe(toHex(SPEC_FRAMES[0].frame));
  });

  it('fails with typed errors for an unconfigured family, a hostname, or a small buffer', () => {
    const v4only = new PaqetEnvelope({ ...SPEC_ENVELOPE, localIpv6: undefined });
    const out = new Uint8Array(100);
    expect(() => v4only.assemble(out, PING, SPEC_DST_V6)).toThrowError(expect.objectContaining({ code: WireErrorCode.Envelope, field: 'localIpv6' }));
    expect(() => v4only.assemble(out, PING, { address: 'example.com', port: 1 })).toThrowError(expect.objectContaining({ code: WireErrorCode.Envelope }));
    expect(() => v4only.assemble(new Uint8Array(69), PING, SPEC_DST_V4)).toThrowError(expect.objectContaining({ code: WireErrorCode.BufferTooSmall }));
    expect(v4only.counter).toBe(0);
    expect(() => new PaqetEnvelope({ ...SPEC_ENVELOPE, routerMacV4: '02:00:00:00:00:00:00:01' })).toThrowError(expect.objectContaining({ code: WireErrorCode.Address }));
  });
});
