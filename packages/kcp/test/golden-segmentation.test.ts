/**
 * "The segments we would send for the same data have the same layout" (issue 4): in each
 * golden capture, PUSH segments with the same `ts` left the Go sender in one flush. Handing
 * our KCP core the same bytes in one send() per flush, with the session's MTU arithmetic
 * for the block, must cut them into the same segments and pack them into datagrams the
 * same way (lengths per datagram), in both directions of every capture.
 */
import { describe, expect, it } from 'vitest';
import { GOLDEN, loadManifest, loadVectorPackets } from '@paqet/testkit';
import { connect, kcpTuning, type BlockName } from '@paqet/kcp';
import { KCP_CMD_PUSH, Kcp, applyKcpTuning, parseSegments } from '@paqet/kcp/core';
import { createDatagramCipher } from '@paqet/kcp/crypto';
import { createMemoryLinkPair } from '@paqet/testkit';

const derived = Buffer.from(GOLDEN.keyHexAll, 'hex');

interface FlushGroup {
  ts: number;
  /** PUSH lengths per captured datagram, first transmissions only. */
  datagrams: number[][];
  bytes: Buffer[];
}

/** The KCP mtu the session gives this block (docs/protocol/kcp.md, section 6), taken from our own session. */
function kcpMtuFor(block: BlockName, fec: boolean): number {
  const link = createMemoryLinkPair();
  const s = connect({ conn: link.a, remote: link.bEndpoint, conv: 1, block, key: derived, mtu: 1350, ...(fec ? { dshard: 10, pshard: 3 } : {}) });
  const mtu = s.mss + 24;
  s.destroy();
  link.a.close();
  return mtu;
}

function flushGroups(name: string, fromClient: boolean): FlushGroup[] {
  const block = loadManifest()[name].block as BlockName;
  const cipher = createDatagramCipher(block, derived);
  const seen = new Set<number>();
  const groups: FlushGroup[] = [];
  for (const pkt of loadVectorPackets(name)) {
    if (pkt.fromClient !== fromClient) continue;
    const plain = cipher.open(pkt.payload.slice());
    if (typeof plain === 'string') throw new Error(`${name} #${pkt.index}: ${plain}`);
    const marker = plain[4] | (plain[5] << 8);
    if (marker === 0xf2) continue;
    const kcpBytes = marker === 0xf1 ? plain.subarray(8) : plain;
    const pushes = parseSegments(kcpBytes).segments.filter((s) => s.cmd === KCP_CMD_PUSH && !seen.has(s.sn));
    if (pushes.length === 0) continue;
    for (const s of pushes) seen.add(s.sn);
    let g = groups.at(-1);
    if (!g || g.ts !== pushes[0].ts) groups.push((g = { ts: pushes[0].ts, datagrams: [], bytes: [] }));
    g.datagrams.push(pushes.map((s) => s.len));
    for (const s of pushes) g.bytes.push(Buffer.from(s.data));
  }
  return groups;
}

/** Our core's datagrams for one flush of `data`: PUSH lengths per datagram. */
function ourFlush(data: Buffer, mtu: number): number[][] {
  const out: number[][] = [];
  const k = new Kcp(1, (b, o, l) => out.push(parseSegments(b.slice(o, o + l)).segments.filter((s) => s.cmd === KCP_CMD_PUSH).map((s) => s.len)), () => 0);
  k.stream = true;
  k.setMtu(mtu);
  applyKcpTuning(k, kcpTuning('fast'));
  k.setWndSize(1024, 1024);
  k.send(data);
  k.flush(false);
  return out.filter((d) => d.length > 0);
}

const names = Object.keys(loadManifest()).filter((n) => n !== 'ping');

describe('golden captures: our segmentation and packing', () => {
  it.each(names)('%s', (name) => {
    const entry = loadManifest()[name];
    const mtu = kcpMtuFor(entry.block as BlockName, entry.dshard > 0);
    let groupsChecked = 0;
    for (const fromClient of [true, false]) {
      for (const g of flushGroups(name, fromClient)) {
        expect(ourFlush(Buffer.concat(g.bytes), mtu), `${fromClient ? 'client' : 'server'} flush at ts ${g.ts}`).toEqual(g.datagrams);
        groupsChecked++;
      }
    }
    expect(groupsChecked).toBeGreaterThanOrEqual(4);
  });
});
