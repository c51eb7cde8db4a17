/**
 * KCP + smux + aes throughput. One op moves 8 MiB one direction, so
 * MB/s = 8.39 x ops/s.
 */
import { afterAll, bench, describe } from 'vitest';
import { memoryTunnel, udpTunnel } from './tunnel-helpers.js';

const BYTES = 8 << 20;
const mem = memoryTunnel('fast');
const udp = await udpTunnel('fast');
const udpWide = await udpTunnel('fast', 4096);
afterAll(() => {
  for (const t of [mem, udp, udpWide]) t.close();
});

describe('tunnel throughput (8 MiB per op, aes, mode fast, wnd 1024)', () => {
  bench('memory link, 1 stream', () => mem.transfer(BYTES, 1), { iterations: 4, time: 0 });
  bench('memory link, 8 streams', () => mem.transfer(BYTES, 8), { iterations: 4, time: 0 });
  bench('loopback UDP, 1 stream', () => udp.transfer(BYTES, 1), { iterations: 4, time: 0 });
  bench('loopback UDP, 8 streams', () => udp.transfer(BYTES, 8), { iterations: 4, time: 0 });
});

// With 'fast' (30 ms flush, delayed ACKs) a window of W segments caps a flow near
// W x 1306 B per ~45 ms: wider windows lift that cap.
describe('tunnel throughput (8 MiB per op, aes, mode fast, wnd 4096)', () => {
  bench('loopback UDP, 1 stream', () => udpWide.transfer(BYTES, 1), { iterations: 4, time: 0 });
});
