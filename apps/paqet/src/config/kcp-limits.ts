/**
 * KCP values the reference program loads without a word but that cannot run as
 * written: smux refuses the session when it is created (the client dies at start,
 * the server drops every connection), and a half-configured FEC is silently off.
 */
import type { Collector } from './collector.js';
import { LIMITS } from './constants.js';
import type { KeyPath } from './source.js';

export interface SmuxAndFec {
  readonly smuxbuf: number;
  readonly streambuf: number;
  readonly smuxkalive: number;
  readonly smuxktimeout: number;
  readonly dshard: number;
  readonly pshard: number;
}

/** Reed-Solomon over GF(2^8) codes at most 256 shards per group. */
const MAX_FEC_SHARDS = 256;

export function checkSmuxAndFec(c: Collector, at: (key: string) => KeyPath, v: SmuxAndFec): void {
  // Below the 1024-byte minimum both are reported already.
  if (v.streambuf > v.smuxbuf && v.smuxbuf >= LIMITS.smuxBufferMin) {
    c.error(at('streambuf'), `KCP streambuf (${v.streambuf}) must not exceed smuxbuf (${v.smuxbuf}); smux refuses the session`);
  }
  if (v.smuxkalive < 0) c.error(at('smuxkalive'), `KCP smuxkalive must be a positive number of seconds, not ${v.smuxkalive}`);
  else if (v.smuxktimeout < v.smuxkalive) {
    c.error(at('smuxktimeout'), `KCP smuxktimeout (${v.smuxktimeout}) must be at least smuxkalive (${v.smuxkalive}); smux refuses the session`);
  }
  const fecOn = v.dshard > 0 && v.pshard > 0;
  if (fecOn && v.dshard + v.pshard > MAX_FEC_SHARDS) {
    c.error(at('dshard'), `FEC dshard + pshard must be at most ${MAX_FEC_SHARDS}, not ${v.dshard + v.pshard}`);
  }
  if (!fecOn && (v.dshard !== 0 || v.pshard !== 0)) {
    c.warn(at(v.dshard > 0 ? 'pshard' : 'dshard'), `FEC is off: it needs both dshard and pshard above 0 (dshard ${v.dshard}, pshard ${v.pshard})`);
  }
}
