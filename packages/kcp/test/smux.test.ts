import { describe, expect, it } from 'vitest';
import { SeededRandom, VirtualClock } from '@paqet/testkit';
import { SmuxSession, type SmuxStream } from '@paqet/kcp';
import { FrameParser } from '@paqet/kcp/smux';
import { duplexPair } from './helpers/duplex-pipe.js';

const hex = (bs: Buffer[]) => bs.map((b) => b.toString('hex'));

describe('smux frames and sessions', () => {
  it('writes the byte examples of docs/protocol/smux.md, section 8', async () => {
    const [ta, tb] = duplexPair();
    const client = SmuxSession.client(ta);
    const server = SmuxSession.server(tb);
    const got = new Promise<SmuxStream>((r) => server.on('stream', r));
    const s = client.openStream();
    expect(s.id).toBe(3);
    s.write('abc');
    const ss = await got;
    const echoed = new Promise<Buffer>((r) => s.once('data', r));
    ss.once('data', (d: Buffer) => ss.write(d));
    expect((await echoed).toString()).toBe('abc');
    await new Promise((r) => setImmediate(r));
    expect(hex(ta.written).slice(0, 2)).toEqual(['0200000003000000', '0202030003000000616263']);
    expect(hex(tb.written)).toEqual(['0204080003000000030000000000200' + '0', '0202030003000000616263']);
    expect(hex(ta.written)[2]).toBe('02040800030000000300000000002000');
    s.end();
    await new Promise((r) => ss.once('end', r));
    expect(hex(ta.written)[3]).toBe('0201000003000000');
    ss.end();
    await new Promise((r) => s.once('end', r));
    expect(hex(tb.written)[2]).toBe('0201000003000000');
    expect(client.openStream().id).toBe(5);
    client.close();
    server.close();
  });

  it('reads SYN/FIN/NOP without payload whatever length says, and UPD as exactly 8 bytes', () => {
    const seen: string[] = [];
    const p = new FrameParser(2, {
      onHeader: () => {},
      onSyn: (sid) => seen.push(`syn ${sid}`),
      onFin: (sid) => seen.push(`fin ${sid}`),
      wantsPayload: () => true,
      onPsh: (sid, d) => seen.push(`psh ${sid} ${d.toString()}`),
      onNop: () => seen.push('nop'),
      onUpd: (sid, c, w) => seen.push(`upd ${sid} ${c} ${w}`),
      onProtocolError: (r) => seen.push(`err ${r}`),
    });
    const bytes = Buffer.from(
      '02000500' + '07000000' + // SYN with length 5: no payload read
        '02040000' + '07000000' + '0100000002000000' + // UPD with length 0: still 8 bytes
        '02020200' + '07000000' + '6869' +
        '02030900' + '00000000' +
        '02010000' + '07000000' +
        '01020000' + '07000000', // wrong version
      'hex',
    );
    for (const b of bytes) p.push(Uint8Array.of(b)); // byte by byte
    expect(seen).toEqual(['syn 7', 'upd 7 1 2', 'psh 7 hi', 'nop', 'fin 7', 'err bad version 1']);
    expect(p.dead).toBe(true);
  });

  it('enforces the peer window and resumes on UPD (backpressure end to end)', async () => {
    const [ta, tb] = duplexPair();
    const client = SmuxSession.client(ta, { maxStreamBuffer: 65536, maxReceiveBuffer: 65536 * 4 });
    const server = SmuxSession.server(tb, { maxStreamBuffer: 65536, maxReceiveBuffer: 65536 * 4 });
    const data = Buffer.from(new SeededRandom(2).fill(new Uint8Array(1 << 20)));
    const s = client.openStream();
    s.end(data);
    const ss: SmuxStream = await new Promise((r) => server.on('stream', r));
    // Not reading yet: at most the initial 256 KiB window can be in flight.
    await new Promise((r) => setTimeout(r, 30));
    const pshBytes = ta.written.filter((b) => b[1] === 2).reduce((n, b) => n + b.length - 8, 0);
    expect(pshBytes).toBe(262144);
    const parts: Buffer[] = [];
    ss.on('data', (d: Buffer) => parts.push(d));
    await new Promise((r) => ss.once('end', r));
    expect(Buffer.concat(parts).equals(data)).toBe(true);
    client.close();
    server.close();
  });

  it("fails writes after the peer's FIN with EOF, as Go's smux (docs/protocol/smux.md, section 5), and sends nothing", async () => {
    const [ta, tb] = duplexPair();
    const client = SmuxSession.client(ta);
    const server = SmuxSession.server(tb);
    const s = client.openStream();
    s.write('hello');
    const ss: SmuxStream = await new Promise((r) => server.on('stream', r));
    ss.resume();
    ss.end(); // server: FIN
    await new Promise((r) => setTimeout(r, 20));
    expect(s.remoteClosed).toBe(true);
    const pshBefore = ta.written.filter((b) => b[1] === 2).length;
    const err: NodeJS.ErrnoException = await new Promise((r) => {
      s.on('error', r);
      s.write('too late');
    });
    expect(err.code).toBe('PAQET_ERR_EOF');
    expect(err.message).toMatch(/EOF/);
    await new Promise((r) => setTimeout(r, 20));
    expect(ta.written.filter((b) => b[1] === 2).length).toBe(pshBefore);
    client.close();
    server.close();
  });

  it("fails a write that is waiting for window when the peer's FIN arrives", async () => {
    const [ta, tb] = duplexPair();
    const client = SmuxSession.client(ta, { maxStreamBuffer: 65536, maxReceiveBuffer: 65536 * 4 });
    const server = SmuxSession.server(tb, { maxStreamBuffer: 65536, maxReceiveBuffer: 65536 * 4 });
    const s = client.openStream();
    const failed: Promise<NodeJS.ErrnoException> = new Promise((r) => s.on('error', r));
    s.write(Buffer.alloc(1 << 20)); // far more than the 256 KiB initial window: most of it waits
    const ss: SmuxStream = await new Promise((r) => server.on('stream', r));
    ss.end(); // FIN without reading
    expect((await failed).code).toBe('PAQET_ERR_EOF');
    client.close();
    server.close();
  });

  it('completes a zero-length write at once, sends no frame for it, and later writes still flow', async () => {
    const [ta, tb] = duplexPair();
    const client = SmuxSession.client(ta);
    const server = SmuxSession.server(tb);
    const s = client.openStream();
    await new Promise<void>((resolve, reject) => s.write(Buffer.alloc(0), (err) => (err ? reject(err) : resolve())));
    const ss: SmuxStream = await new Promise((r) => server.on('stream', r));
    const got: Buffer[] = [];
    ss.on('data', (d: Buffer) => got.push(d));
    s.write(Buffer.alloc(0));
    s.end('after');
    await new Promise((r) => ss.once('end', r));
    expect(Buffer.concat(got).toString()).toBe('after');
    // SYN, one PSH with 'after', FIN: no empty PSH frames.
    expect(ta.written.filter((b: Buffer) => b[1] === 2).map((b: Buffer) => b.subarray(8).toString())).toEqual(['after']);
    client.close();
    server.close();
  });

  it('discards PSH for unknown streams and ignores FIN/UPD for them', async () => {
    const [ta, tb] = duplexPair();
    const server = SmuxSession.server(tb);
    await new Promise((r) => setImmediate(r));
    tb.push(Buffer.from('0202030009000000616263' + '0201000009000000' + '02040800090000000100000001000000', 'hex'));
    expect(server.counters.discardedPsh).toBe(1);
    expect(server.closed).toBe(false);
    server.close();
    void ta;
  });
});

describe('smux fuzz', () => {
  it('random and mutated frames never crash, hang or grow without bound', async () => {
    const rng = new SeededRandom(77);
    const clock = new VirtualClock();
    const valid = Buffer.from('02000000030000000202030003000000616263020408000300000003000000000020000201000003000000', 'hex');
    for (let round = 0; round < 400; round++) {
      const [ta, tb] = duplexPair();
      const server = SmuxSession.server(tb, { clock });
      server.on('stream', (s: SmuxStream) => s.resume());
      await Promise.resolve();
      let input: Buffer;
      if (round % 2 === 0) input = Buffer.from(rng.fill(new Uint8Array(rng.int(300))));
      else {
        input = Buffer.from(valid);
        for (let f = 0; f < 1 + rng.int(4); f++) input[rng.int(input.length)] = rng.int(256);
      }
      let off = 0;
      while (off < input.length) {
        const n = 1 + rng.int(40);
        expect(() => tb.push(input.subarray(off, off + n))).not.toThrow();
        off += n;
      }
      expect(server.streamCount).toBeLessThanOrEqual(64);
      server.close();
      void ta;
    }
  });
});
