/**
 * The AF_PACKET addon's transmit preparation (native/afpacket.cc, PrepareTxFrame): frames are
 * assembled with their TCP checksum left partial (PaqetEnvelope.assemblePartial) and the addon
 * finishes it just before sendmmsg. The result must equal @paqet/wire's full assembly byte for
 * byte, and a triple that does not describe a frame inside the arena is refused untouched.
 */
import { describe, expect, it } from 'vitest';
import { PaqetEnvelope } from '@paqet/wire';
import { afPacketAvailable, loadAfPacket } from '../src/afpacket-binding.js';

const skip = afPacketAvailable() ? null : 'the afpacket addon is not built here';

const ENVELOPE = {
  localMac: '02:50:51:00:01:01',
  routerMacV4: '02:50:51:00:01:02',
  routerMacV6: '02:50:51:00:01:02',
  localIpv4: '10.77.0.1',
  localIpv6: 'fd77::1',
  localPort: 41001,
  localFlags: ['PA', 'S', 'A'],
  startTimeMs: 0x12345678,
};

describe.skipIf(skip !== null)('afpacket transmit: TCP checksums finished natively', () => {
  const prepare = (arena: Buffer, offset: number, length: number, tcp: number) => loadAfPacket().prepareTxFrame(arena, offset, length, tcp);

  it('equals the full assembly for every payload length 0..1500, IPv4 and IPv6, at odd arena offsets', () => {
    const full = new PaqetEnvelope(ENVELOPE);
    const partial = new PaqetEnvelope(ENVELOPE);
    const expected = new Uint8Array(1700);
    const arena = Buffer.alloc(1700 + 8);
    const payload = Uint8Array.from({ length: 1500 }, (_, i) => (i * 131 + 7) & 0xff);
    for (let len = 0; len <= 1500; len++) {
      const dst = len % 3 === 0 ? { address: 'fd77::2', port: 51001 } : { address: '10.77.0.2', port: 51001 };
      const n = full.assemble(expected, payload.subarray(0, len), dst);
      const at = len % 8; // unaligned starts: the addon reads with memcpy
      const m = partial.assemblePartial(arena, payload.subarray(0, len), dst, undefined, at);
      expect(m).toBe(n);
      expect(prepare(arena, at, m, partial.lastTcpOffset)).toBe(true);
      if (!arena.subarray(at, at + m).equals(expected.subarray(0, n))) expect.fail(`payload length ${len} differs`);
    }
  });

  it('leaves a frame whose tcpOffset is 0 as it is', () => {
    const arena = Buffer.alloc(100, 0x5a);
    expect(prepare(arena, 10, 80, 0)).toBe(true);
    expect(arena.equals(Buffer.alloc(100, 0x5a))).toBe(true);
  });

  it.each([
    ['a negative offset', -1, 60, 34],
    ['a zero length', 0, 0, 0],
    ['a frame past the arena', 50, 51, 34],
    ['an offset past the arena', 101, 1, 0],
    ['a negative tcpOffset', 0, 60, -1],
    ['a checksum field past the frame', 0, 51, 34],
    ['a tcpOffset past the frame', 0, 60, 0x7fffffff],
  ])('refuses %s and writes nothing', (_what, offset, length, tcp) => {
    const arena = Buffer.alloc(100, 0x5a);
    expect(prepare(arena, offset, length, tcp)).toBe(false);
    expect(arena.equals(Buffer.alloc(100, 0x5a))).toBe(true);
  });
});
