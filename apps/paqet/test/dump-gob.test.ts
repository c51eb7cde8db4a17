/**
 * `dump`'s session decoder reads gob-headered streams (the QUIC fork's) as
 * well as binary ones: an aes-encrypted KCP conversation carrying one stream
 * of each kind, the gob one in the fork's five writes (one smux frame each).
 */
import { describe, expect, it } from 'vitest';
import {
  createDatagramCipher, encodeFrameHeader, encodeSegmentHeader, KCP_CMD_PUSH, KCP_OVERHEAD, SMUX_CMD_FIN, SMUX_CMD_PSH, SMUX_CMD_SYN, SMUX_HEADER_SIZE,
} from '@paqet/kcp';
import { encodeGobStreamMessage, encodeTcp } from '@paqet/wire';
import { SessionDecoder } from '../src/dump/session-decoder.js';

const KEY = new Uint8Array(32).fill(7);
const CONV = 0x1234abcd;
const FLOW = '10.200.1.1:40000 -> 10.200.1.2:9999';

function smuxFrame(cmd: number, sid: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const b = new Uint8Array(SMUX_HEADER_SIZE + payload.length);
  encodeFrameHeader(b, 0, 2, cmd, payload.length, sid);
  b.set(payload, SMUX_HEADER_SIZE);
  return b;
}

/** One datagram per smux frame: a sealed KCP PUSH segment with sequence number `sn`. */
function datagram(sn: number, frame: Uint8Array): Uint8Array {
  const cipher = createDatagramCipher('aes', KEY);
  const buf = new Uint8Array(cipher.headerSize + KCP_OVERHEAD + frame.length + cipher.trailerSize);
  encodeSegmentHeader(buf, cipher.headerSize, CONV, KCP_CMD_PUSH, 0, 512, 0, sn, 0, frame.length);
  buf.set(frame, cipher.headerSize + KCP_OVERHEAD);
  return buf.subarray(0, cipher.seal(buf, KCP_OVERHEAD + frame.length));
}

describe('dump decodes both header kinds', () => {
  it('a gob stream written as the fork writes it, and a binary stream, in one conversation', () => {
    const gob = encodeGobStreamMessage({ type: 'tcp', host: 'example.com', port: 443 });
    // The fork's five writes: four definitions (lengths 0x30+1, 0x24+1, 0x1a+1, 0x59+1) and the value.
    const cuts = [0, 49, 86, 113, 203, gob.length];
    const frames = [
      smuxFrame(SMUX_CMD_SYN, 3),
      ...cuts.slice(1).map((end, i) => smuxFrame(SMUX_CMD_PSH, 3, gob.subarray(cuts[i], end))),
      smuxFrame(SMUX_CMD_PSH, 3, new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n')),
      smuxFrame(SMUX_CMD_FIN, 3),
      smuxFrame(SMUX_CMD_SYN, 5),
      smuxFrame(SMUX_CMD_PSH, 5, Uint8Array.from([...encodeTcp('10.200.2.2', 8000), 0x47, 0x45, 0x54])),
    ];
    const decoder = new SessionDecoder(createDatagramCipher('aes', KEY), false);
    const lines = frames.flatMap((f, sn) => decoder.decode(FLOW, datagram(sn, f), true).lines);
    expect(lines.filter((l) => l.includes('paqet'))).toEqual([
      '  smux PSH sid=3 len=25: paqet gob TCP example.com:443',
      '  smux PSH sid=5 len=21: paqet TCP 10.200.2.2:8000 + 3 data bytes',
    ]);
    const gobStream = decoder.streams.get(`${FLOW}#3`)!;
    expect(gobStream).toMatchObject({ headerKind: 'gob', message: { type: 'tcp', host: 'example.com', port: 443 }, dataLength: 18, fin: true });
    expect(decoder.streams.get(`${FLOW}#5`)).toMatchObject({ headerKind: 'binary', message: { type: 'tcp', host: '10.200.2.2', port: 8000 }, dataLength: 3 });
  });

  it('a malformed gob header is reported as such', () => {
    const bad = encodeGobStreamMessage({ type: 'ping' });
    bad[bad.length - 2] = 9; // Type 9: unknown
    const decoder = new SessionDecoder(createDatagramCipher('aes', KEY), false);
    const lines = [smuxFrame(SMUX_CMD_SYN, 3), smuxFrame(SMUX_CMD_PSH, 3, bad)].flatMap((f, sn) => decoder.decode(FLOW, datagram(sn, f), true).lines);
    expect(lines.at(-1)).toMatch(/^ {2}smux PSH sid=3 len=209: paqet gob header malformed \(type: unknown message type \(got 9\)\)$/);
  });
});
