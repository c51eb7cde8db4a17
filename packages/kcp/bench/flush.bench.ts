/**
 * Flush cost of idle sessions: one op flushes 1,000 idle KCP sessions once
 * (what an interval tick would cost if every session kept a timer).
 */
import { bench, describe } from 'vitest';
import { Kcp } from '@paqet/kcp/core';

let sent = 0;
const sessions = Array.from({ length: 1000 }, (_, i) => {
  const k = new Kcp(i, () => sent++, () => 0, { reserve: 20 });
  k.stream = true;
  k.setWndSize(1024, 1024);
  return k;
});

describe('idle sessions', () => {
  bench('flush 1,000 idle KCP sessions', () => {
    for (const k of sessions) k.flush(false);
  });
});
