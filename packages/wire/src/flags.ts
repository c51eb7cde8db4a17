/**
 * paqet's TCP flag letters and flag cycling (docs/protocol/frames.md, section 4). A flag
 * set is a 9-bit number with the TCP header's bit positions, which are also
 * the bits of a TCPF flag word (docs/protocol/stream-header.md, section 1).
 */
import { tryParseIpAddress } from './address.js';
import { WireErrorCode } from './error-codes.js';
import { PaqetValueError } from './errors.js';
import { TcpFlag } from './layers/tcp.js';

/** Letters in the order `formatTcpFlags` prints them. */
const LETTERS = 'FSRPAUECN';
const LETTER_BITS: Record<string, number> = {
  F: TcpFlag.FIN,
  S: TcpFlag.SYN,
  R: TcpFlag.RST,
  P: TcpFlag.PSH,
  A: TcpFlag.ACK,
  U: TcpFlag.URG,
  E: TcpFlag.ECE,
  C: TcpFlag.CWR,
  N: TcpFlag.NS,
};

export const MAX_FLAG_LIST_LENGTH = 64;
/** The default `local_flag` / `remote_flag` list, ["PA"]. */
export const DEFAULT_FLAG_LIST: readonly number[] = Object.freeze([TcpFlag.PSH | TcpFlag.ACK]);

function flagError(field: string, value: unknown, reason: string): PaqetValueError {
  return new PaqetValueError(WireErrorCode.TcpFlags, field, value, reason);
}

/**
 * "PA" -> PSH|ACK. Upper-case letters F S R P A U E C N only; order and
 * repetition do not matter; "" means no flags. Any other character throws,
 * naming that character.
 */
export function parseTcpFlags(text: string, field = 'tcp flags'): number {
  let flags = 0;
  for (const ch of text) {
    const bit = LETTER_BITS[ch];
    if (bit === undefined) throw flagError(field, ch, `invalid flag letter in ${JSON.stringify(text)} (allowed: ${LETTERS})`);
    flags |= bit;
  }
  return flags;
}

/** PSH|ACK -> "PA" (letters in F S R P A U E C N order; bits above 8 ignored). */
export function formatTcpFlags(flags: number): string {
  let s = '';
  for (let i = 0; i < LETTERS.length; i++) if (flags & (1 << i)) s += LETTERS[i];
  return s;
}

/**
 * A `local_flag` / `remote_flag` config list: 1..64 entries; an empty or
 * missing list means ["PA"]. Entry errors name the index.
 */
export function parseTcpFlagList(list: readonly string[] | undefined | null, field = 'tcp.local_flag'): number[] {
  if (!list || list.length === 0) return [...DEFAULT_FLAG_LIST];
  if (list.length > MAX_FLAG_LIST_LENGTH) throw flagError(field, list.length, `at most ${MAX_FLAG_LIST_LENGTH} entries`);
  return list.map((entry, i) => parseTcpFlags(entry, `${field}[${i}]`));
}

function checkFlagList(list: readonly number[], field: string): void {
  if (list.length === 0 || list.length > MAX_FLAG_LIST_LENGTH) throw flagError(field, list.length, `must have 1..${MAX_FLAG_LIST_LENGTH} entries`);
  for (let i = 0; i < list.length; i++) {
    const f = list[i];
    if (!Number.isInteger(f) || f < 0 || f > 0x1ff) throw flagError(`${field}[${i}]`, f, 'must be a 9-bit flag set');
  }
}

/** Round-robin over a flag list: `next()` returns list[i mod n], then i++. */
export class FlagCycler {
  private flags: number[];
  private index = 0;

  constructor(list: readonly number[] = DEFAULT_FLAG_LIST) {
    checkFlagList(list, 'flag list');
    this.flags = [...list];
  }

  next(): number {
    const f = this.flags[this.index];
    this.index = this.index + 1 === this.flags.length ? 0 : this.index + 1;
    return f;
  }

  /** Installs a new list and restarts at index 0 (as a new TCPF message does). */
  replace(list: readonly number[]): void {
    checkFlagList(list, 'flag list');
    this.flags = [...list];
    this.index = 0;
  }

  get list(): readonly number[] {
    return this.flags;
  }
}

/**
 * Chooses the flags of each outbound packet (docs/protocol/frames.md, section 4): a per-destination
 * cycler if the peer sent a TCPF list, else the shared default cycler.
 * Destinations are keyed by canonical IP text + port; IPv4-mapped IPv6 keys are
 * stored as IPv4. Lookup does not allocate.
 */
export class FlagSelector {
  readonly defaultCycler: FlagCycler;
  /** address text -> port -> cycler */
  private readonly peers = new Map<string, Map<number, FlagCycler>>();
  private peerCount = 0;

  constructor(localFlags: readonly number[] = DEFAULT_FLAG_LIST) {
    this.defaultCycler = new FlagCycler(localFlags);
  }

  /** Flags for the next packet to (`address`, `port`); `address` must be canonical text. */
  next(address: string, port: number): number {
    if (this.peerCount !== 0) {
      const c = this.peers.get(address)?.get(port);
      if (c) return c.next();
    }
    return this.defaultCycler.next();
  }

  /**
   * Installs (or replaces, restarting at index 0) the list for `peer`, as a
   * received TCPF message does. An empty list removes the entry.
   */
  setPeerFlags(peer: { address: string; port: number }, list: readonly number[]): void {
    if (list.length === 0) {
      this.deletePeerFlags(peer);
      return;
    }
    const key = canonicalAddress(peer.address);
    let byPort = this.peers.get(key);
    if (!byPort) this.peers.set(key, (byPort = new Map()));
    const existing = byPort.get(peer.port);
    if (existing) existing.replace(list);
    else {
      byPort.set(peer.port, new FlagCycler(list));
      this.peerCount++;
    }
  }

  /** Removes the entry for `peer` (TCPF with no entries, or its session ended). */
  deletePeerFlags(peer: { address: string; port: number }): boolean {
    const key = canonicalAddress(peer.address);
    const byPort = this.peers.get(key);
    if (!byPort || !byPort.delete(peer.port)) return false;
    if (byPort.size === 0) this.peers.delete(key);
    this.peerCount--;
    return true;
  }

  /** The per-destination list for `peer`, or null when it uses the default. */
  peerFlags(peer: { address: string; port: number }): readonly number[] | null {
    return this.peers.get(canonicalAddress(peer.address))?.get(peer.port)?.list ?? null;
  }

  get peerEntryCount(): number {
    return this.peerCount;
  }
}

function canonicalAddress(text: string): string {
  const ip = tryParseIpAddress(text);
  if (!ip) return text;
  if (ip.family === 6 && ip.ipv4Mapped) return ip.ipv4Mapped.text;
  return ip.text;
}
