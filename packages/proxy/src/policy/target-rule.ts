/**
 * One target rule: an address block and an optional port range, written
 * `ADDRESS[/BITS][:PORT[-PORT]]`; IPv6 takes brackets when a port follows
 * (`[2001:db8::/32]:443` or `[2001:db8::]/32:443`); `*` is every address of both
 * families. IPv4-mapped IPv6 blocks (inside ::ffff:0:0/96) are kept as the IPv4
 * block they map, so `::ffff:127.0.0.1` and `127.0.0.1` are one address here.
 */
import { Ipv4Address, Ipv6Address, tryParseIpAddress } from '@paqet/wire';

/** An address reduced to what matching needs: IPv4-mapped IPv6 is IPv4. */
export interface PlainIp {
  readonly family: 4 | 6;
  readonly bytes: Uint8Array;
}

export class TargetRuleError extends RangeError {
  constructor(readonly text: string, readonly reason: string) {
    super(`invalid target rule ${JSON.stringify(text)}: ${reason}`);
    this.name = 'TargetRuleError';
  }
}

/** An IP literal (IPv6 zone ignored, brackets allowed) as matching sees it, or null for anything else. */
export function plainIp(text: string): PlainIp | null {
  const zone = text.indexOf('%');
  const ip = tryParseIpAddress(zone >= 0 ? text.slice(0, zone) : text);
  if (!ip) return null;
  if (ip.family === 6 && ip.ipv4Mapped) return { family: 4, bytes: ip.ipv4Mapped.bytes };
  return { family: ip.family, bytes: ip.bytes };
}

/** 0.0.0.0 and :: : connecting to them reaches this host's loopback. */
export function isUnspecified(ip: PlainIp): boolean {
  return ip.bytes.every((b) => b === 0);
}

export const LOOPBACK: Readonly<Record<4 | 6, PlainIp>> = {
  4: { family: 4, bytes: Uint8Array.of(127, 0, 0, 1) },
  6: { family: 6, bytes: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1) },
};

const MAPPED_PREFIX_BITS = 96;

export class TargetRule {
  private constructor(
    /** As written. */
    readonly text: string,
    /** null = every address (`*`). */
    private readonly family: 4 | 6 | null,
    private readonly network: Uint8Array,
    private readonly bits: number,
    /** Inclusive; 1-65535 when no port is given. */
    readonly portLow: number,
    readonly portHigh: number,
  ) {}

  /** Throws TargetRuleError saying what is wrong with `text`. */
  static parse(text: string): TargetRule {
    const fail = (reason: string): never => {
      throw new TargetRuleError(text, reason);
    };
    const { address, ports } = splitRule(text.trim(), fail);
    const [portLow, portHigh] = ports === null ? [1, 65535] : parsePorts(ports, fail);
    if (address === '*') return new TargetRule(text, null, new Uint8Array(0), 0, portLow, portHigh);

    const slash = address.indexOf('/');
    const ipText = slash >= 0 ? address.slice(0, slash) : address;
    const ip = tryParseIpAddress(ipText);
    if (!ip) return fail(`${JSON.stringify(ipText)} is not an IPv4 or IPv6 address (rules take addresses, not names)`);
    const maxBits = ip.family === 4 ? 32 : 128;
    let bits = maxBits;
    if (slash >= 0) {
      const bitsText = address.slice(slash + 1);
      if (!/^\d{1,3}$/.test(bitsText) || Number(bitsText) > maxBits) return fail(`prefix length must be 0-${maxBits}`);
      bits = Number(bitsText);
    }
    const network = ip.bytes;
    if (!hostBitsClear(network, bits)) {
      return fail(`host bits are set after /${bits} (the block starts at ${formatBlock(ip.family, masked(network, bits))}/${bits})`);
    }
    if (ip.family === 6 && ip.ipv4Mapped && bits >= MAPPED_PREFIX_BITS) {
      return new TargetRule(text, 4, ip.ipv4Mapped.bytes, bits - MAPPED_PREFIX_BITS, portLow, portHigh);
    }
    return new TargetRule(text, ip.family, network, bits, portLow, portHigh);
  }

  matches(ip: PlainIp, port: number): boolean {
    if (port < this.portLow || port > this.portHigh) return false;
    if (this.family === null) return true;
    return ip.family === this.family && inBlock(ip.bytes, this.network, this.bits);
  }
}

function splitRule(text: string, fail: (reason: string) => never): { address: string; ports: string | null } {
  if (text === '') return fail('empty rule');
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return fail("missing ']'");
    let address = text.slice(1, close);
    let rest = text.slice(close + 1);
    const bits = /^\/\d*/.exec(rest);
    if (bits) {
      if (address.includes('/')) return fail('two prefix lengths');
      address += bits[0];
      rest = rest.slice(bits[0].length);
    }
    if (rest === '') return { address, ports: null };
    if (!rest.startsWith(':')) return fail(`unexpected ${JSON.stringify(rest)} after ']'`);
    return { address, ports: rest.slice(1) };
  }
  const colons = text.split(':').length - 1;
  // Two or more colons: an IPv6 block, which takes brackets before a port.
  if (colons !== 1) return { address: text, ports: null };
  const colon = text.indexOf(':');
  return { address: text.slice(0, colon), ports: text.slice(colon + 1) };
}

function parsePorts(text: string, fail: (reason: string) => never): [number, number] {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  if (!m) return fail(`port ${JSON.stringify(text)} must be N or N-M`);
  const low = Number(m[1]);
  const high = m[2] === undefined ? low : Number(m[2]);
  if (low < 1 || high > 65535 || low > high) return fail(`port ${JSON.stringify(text)} must be within 1-65535, low to high`);
  return [low, high];
}

function inBlock(bytes: Uint8Array, network: Uint8Array, bits: number): boolean {
  const whole = bits >> 3;
  for (let i = 0; i < whole; i++) if (bytes[i] !== network[i]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (bytes[whole]! & mask) === network[whole];
}

function masked(bytes: Uint8Array, bits: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    out[i] = bytes[i]! & ((0xff << (8 - keep)) & 0xff);
  }
  return out;
}

function hostBitsClear(bytes: Uint8Array, bits: number): boolean {
  return masked(bytes, bits).every((b, i) => b === bytes[i]);
}

function formatBlock(family: 4 | 6, bytes: Uint8Array): string {
  return (family === 4 ? Ipv4Address.fromBytes(bytes) : Ipv6Address.fromBytes(bytes)).text;
}
