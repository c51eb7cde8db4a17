/**
 * gob's scalar encodings (docs/upstream-and-fork.md, "The gob header"):
 * unsigned integers are one byte below 128, else a byte holding the negated
 * byte count followed by the value big-endian; signed integers fold the sign
 * into bit 0; strings and byte slices are a length and the bytes.
 */

/** Longest integer gob writes: a count byte and 8 value bytes. */
export const GOB_MAX_UINT_BYTES = 8;

/**
 * A bounded reader over `bytes[pos, end)`. Reads never throw and never look
 * past `end`: the first problem is kept in `failure` and every later read
 * returns 0 / an empty view, so callers check once at the end of a step.
 * Values above 2^53 lose precision; every caller bounds what it accepts far
 * below that, so an imprecise huge value still fails its check.
 */
export class GobCursor {
  failure: string | null = null;

  constructor(
    readonly bytes: Uint8Array,
    public pos: number,
    readonly end: number,
  ) {}

  get failed(): boolean {
    return this.failure !== null;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  fail(reason: string): 0 {
    if (this.failure === null) this.failure = reason;
    this.pos = this.end;
    return 0;
  }

  uint(): number {
    if (this.pos >= this.end) return this.fail('truncated integer');
    const first = this.bytes[this.pos++]!;
    if (first < 0x80) return first;
    const n = 256 - first;
    if (n > GOB_MAX_UINT_BYTES) return this.fail(`integer byte count ${n} exceeds ${GOB_MAX_UINT_BYTES}`);
    if (n > this.end - this.pos) return this.fail('truncated integer');
    let value = 0;
    for (let i = 0; i < n; i++) value = value * 256 + this.bytes[this.pos++]!;
    return value;
  }

  int(): number {
    const u = this.uint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** A length-prefixed byte run as a view; a length past the end of the message fails. */
  bytesView(): Uint8Array {
    const n = this.uint();
    if (this.failed) return this.bytes.subarray(0, 0);
    if (n > this.end - this.pos) {
      this.fail(`length ${n} runs past the message (${this.end - this.pos} bytes left)`);
      return this.bytes.subarray(0, 0);
    }
    const view = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return view;
  }
}

/**
 * Where a gob unsigned integer starting at `pos` ends, without reading it:
 * `-1` if `end` comes first (need more), `-2` if the count byte is invalid.
 */
export function gobUintEnd(bytes: Uint8Array, pos: number, end: number): number {
  if (pos >= end) return -1;
  const first = bytes[pos]!;
  if (first < 0x80) return pos + 1;
  const n = 256 - first;
  if (n > GOB_MAX_UINT_BYTES) return -2;
  return pos + 1 + n <= end ? pos + 1 + n : -1;
}

const utf8 = new TextEncoder();

/** Appends gob scalars to a growing buffer (encoding is not a hot path). */
export class GobWriter {
  private buf = new Uint8Array(256);
  private used = 0;

  get length(): number {
    return this.used;
  }

  private room(n: number): void {
    if (this.used + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.used + n));
    grown.set(this.buf.subarray(0, this.used));
    this.buf = grown;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.used++] = b;
  }

  /** `value` must be a non-negative safe integer (callers validate what they encode). */
  uint(value: number): void {
    if (value < 0x80) return this.byte(value);
    const digits: number[] = [];
    for (let v = value; v > 0; v = Math.floor(v / 256)) digits.push(v % 256);
    this.byte(256 - digits.length);
    for (let i = digits.length - 1; i >= 0; i--) this.byte(digits[i]!);
  }

  int(value: number): void {
    this.uint(value >= 0 ? value * 2 : (-value - 1) * 2 + 1);
  }

  bytes(b: Uint8Array): void {
    this.uint(b.length);
    this.room(b.length);
    this.buf.set(b, this.used);
    this.used += b.length;
  }

  string(s: string): void {
    this.bytes(utf8.encode(s));
  }

  append(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.used);
    this.used += b.length;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.used);
  }
}
