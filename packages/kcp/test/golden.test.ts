/**
 * The golden captures of the Go paqet (fixtures/go-paqet-captures): open every datagram
 * with our ciphers, reassemble both KCP directions, split into smux frames and
 * find the known bytes.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GOLDEN, goldenPayload, loadManifest, loadVectorPackets } from '@paqet/testkit';
import { connect, isBlockName, type BlockName } from '@paqet/kcp';
import { encodeSegmentHeader, parseSegments } from '@paqet/kcp/core';
import { createDatagramCipher } from '@paqet/kcp/crypto';
import { FrameParser, SMUX_CMD_FIN } from '@paqet/kcp/smux';
import { createMemoryLinkPair } from '@paqet/testkit';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const derived = Buffer.from(GOLDEN.keyHexAll, 'hex');

interface Direction {
  conv: number | undefined;
  segments: Map<number, Uint8Array>;
  pushLengths: number[];
}

function reassemble(name: string) {
  const entry = loadManifest()[name];
  const block = entry.block as BlockName;
  const cipher = createDatagramCipher(block, derived);
  const dirs: Record<'c2s' | 's2c', Direction> = {
    c2s: { conv: undefined, segments: new Map(), pushLengths: [] },
    s2c: { conv: undefined, segments: new Map(), pushLengths: [] },
  };
  for (const pkt of loadVectorPackets(name)) {
    const plain = cipher.open(pkt.payload.slice());
    if (typeof plain === 'string') throw new Error(`${name} packet ${pkt.index}: ${plain}`);
    const marker = plain[4] | (plain[5] << 8);
    let kcpBytes = plain;
    if (marker === 0xf2) continue; // parity: the data shards are all there
    if (marker === 0xf1) kcpBytes = plain.subarray(8);
    const parsed = parseSegments(kcpBytes);
    expect(parsed.error).toBeUndefined();
    const d = dirs[pkt.fromClient ? 'c2s' : 's2c'];
    for (const s of parsed.segments) {
      d.conv ??= s.conv;
      expect(s.conv).toBe(d.conv);
      expect(s.frg).toBe(0); // stream mode
      // Our encoder writes the same header bytes.
      const h = new Uint8Array(24);
      encodeSegmentHeader(h, 0, s.conv, s.cmd, s.frg, s.wnd, s.ts, s.sn, s.una, s.len);
      const at = s.data.byteOffset - kcpBytes.byteOffset - 24;
      expect(Buffer.from(h).equals(Buffer.from(kcpBytes.subarray(at, at + 24)))).toBe(true);
      if (s.cmd === 81) {
        d.pushLengths.push(s.len);
        if (!d.segments.has(s.sn)) d.segments.set(s.sn, s.data.slice());
      }
    }
  }
  const stream = (d: Direction) => {
    const parts: Uint8Array[] = [];
    for (let sn = 0; d.segments.has(sn); sn++) parts.push(d.segments.get(sn)!);
    expect(parts.length).toBe(d.segments.size); // no gaps
    return Buffer.concat(parts);
  };
  return { block, entry, c2s: stream(dirs.c2s), s2c: stream(dirs.s2c), dirs };
}

function smuxFrames(bytes: Uint8Array) {
  const data = new Map<number, Buffer[]>();
  const cmds: [number, number][] = [];
  let error: string | null = null;
  const p = new FrameParser(2, {
    onHeader: () => {},
    onSyn: (sid) => cmds.push([0, sid]),
    onFin: (sid) => cmds.push([SMUX_CMD_FIN, sid]),
    wantsPayload: () => true,
    onPsh: (sid, payload) => {
      cmds.push([2, sid]);
      data.set(sid, [...(data.get(sid) ?? []), payload]);
    },
    onNop: () => cmds.push([3, 0]),
    onUpd: (sid) => cmds.push([4, sid]),
    onProtocolError: (r) => (error = r),
  });
  p.push(bytes);
  return { data: (sid: number) => Buffer.concat(data.get(sid) ?? []), cmds, error, dead: p.dead };
}

const TCPF = '5001030003010018';
const connectMsg = Buffer.concat([Buffer.from('5001040' + '00d0a', 'hex'), Buffer.from('10.200.2.2'), Buffer.from('1f40', 'hex')]);

const names = Object.keys(loadManifest()).filter((n) => n !== 'ping');

describe('golden captures: KCP + smux reassembly', () => {
  it.each(names)('%s', (name) => {
    const { block, c2s, s2c, dirs } = reassemble(name);
    expect(isBlockName(block)).toBe(true);
    const up = smuxFrames(c2s);
    const down = smuxFrames(s2c);
    expect(up.error).toBeNull();
    expect(down.error).toBeNull();
    // sid 3: TCPF ["PA"], then FIN
    expect(up.data(3).toString('hex')).toBe(TCPF);
    expect(up.cmds).toContainEqual([0, 3]);
    expect(up.cmds).toContainEqual([SMUX_CMD_FIN, 3]);
    // sids 5 and 7: one empty probe, one TCPF
    expect([up.data(5).toString('hex'), up.data(7).toString('hex')].sort()).toEqual(['', TCPF]);
    // sid 9: connect message + HTTP request up; response head + golden payload down
    expect(up.data(9).equals(Buffer.concat([connectMsg, Buffer.from(GOLDEN.httpRequestHex, 'hex')]))).toBe(true);
    const resp = down.data(9);
    expect(resp.subarray(0, 100).toString('hex')).toBe(GOLDEN.httpResponseHeadHex);
    expect(sha(resp.subarray(100))).toBe(GOLDEN.payloadSha256);
    expect(Buffer.from(resp.subarray(100)).equals(Buffer.from(goldenPayload()))).toBe(true);
    expect(down.cmds).toContainEqual([SMUX_CMD_FIN, 9]);
    expect(down.cmds.some(([c]) => c === 4)).toBe(true); // UPDs from the server's first reads
    // Segment size: full PUSH segments are exactly the mss our session computes for this block.
    const fec = name === 'fec-aes';
    const link = createMemoryLinkPair();
    const ours = connect({
      conn: link.a,
      remote: link.bEndpoint,
      conv: 1,
      block,
      key: derived,
      mtu: 1350,
      ...(fec ? { dshard: 10, pshard: 3 } : {}),
    });
    expect(Math.max(...dirs.s2c.pushLengths)).toBe(ours.mss);
    ours.destroy();
    link.a.close();
    if (fec) {
      const body = down.data(15);
      expect(sha(body.subarray(body.length - 30000))).toBe(GOLDEN.fecBodySha256);
    }
  });

  it('the expected mss per block (docs/protocol/kcp.md, section 6)', () => {
    const link = createMemoryLinkPair();
    const mss = (block: BlockName, fec: boolean) => {
      const s = connect({ conn: link.a, remote: link.bEndpoint, conv: 1, block, key: derived, ...(fec ? { dshard: 10, pshard: 3 } : {}) });
      const mss = s.mss;
      s.destroy();
      return mss;
    };
    expect([mss('aes', false), mss('aes', true), mss('aes-128-gcm', false), mss('aes-128-gcm', true), mss('null', false), mss('null', true)]).toEqual([1306, 1298, 1298, 1290, 1326, 1318]);
  });
});
