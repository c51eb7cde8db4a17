const MAX_SAMPLES = 258;

/**
 * kcp-go's FEC autotuner (docs/protocol/fec.md, section 6): remembers the type of the last 258 shards by
 * seqid and finds the length of a run of data (or parity) shards between two edges.
 */
export class FecAutoTune {
  private readonly isData = new Uint8Array(MAX_SAMPLES);
  private readonly seqids = new Uint32Array(MAX_SAMPLES);
  private head = 0;
  private count = 0;

  sample(isData: boolean, seqid: number): void {
    const at = (this.head + this.count) % MAX_SAMPLES;
    this.isData[at] = isData ? 1 : 0;
    this.seqids[at] = seqid;
    if (this.count < MAX_SAMPLES) this.count++;
    else this.head = (this.head + 1) % MAX_SAMPLES;
  }

  /** Length of one run of the wanted type between a rising and a falling edge, or -1. */
  findPeriod(wantData: boolean): number {
    if (this.count < 3) return -1;
    const order = Array.from({ length: this.count }, (_, i) => (this.head + i) % MAX_SAMPLES);
    order.sort((a, b) => (this.seqids[a]! - this.seqids[b]!) | 0); // signed 32-bit difference
    const want = wantData ? 1 : 0;
    const seq = (i: number) => this.seqids[order[i]!]!;
    const bit = (i: number) => this.isData[order[i]!]!;
    let left = -1;
    for (let i = 1; i < order.length; i++) {
      if (((seq(i - 1) + 1) >>> 0) !== seq(i)) return -1;
      if (bit(i - 1) !== want && bit(i) === want) {
        left = i;
        break;
      }
    }
    if (left < 0) return -1;
    for (let i = left + 1; i < order.length; i++) {
      if (((seq(i - 1) + 1) >>> 0) !== seq(i)) return -1;
      if (bit(i - 1) === want && bit(i) !== want) return i - left;
    }
    return -1;
  }
}
