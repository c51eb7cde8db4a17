/**
 * A FIFO of references in a power-of-two ring that only grows. KCP's queues empty and
 * refill every few packets; a JS array emptied with `length = 0` gives its backing store
 * back and allocates it again on the next push, and compacting with `slice` copies. This
 * keeps one backing store per queue, sized by the largest window the queue has held.
 */
export class RingQueue<T> {
  private items: (T | undefined)[];
  private head = 0;
  private count = 0;
  private mask: number;

  constructor(capacity = 16) {
    let size = 16;
    while (size < capacity) size *= 2;
    this.items = new Array<T | undefined>(size).fill(undefined);
    this.mask = size - 1;
  }

  get length(): number {
    return this.count;
  }

  /** The i-th entry from the head; the caller keeps 0 <= i < length. */
  at(i: number): T {
    return this.items[(this.head + i) & this.mask] as T;
  }

  /** The newest entry; the caller keeps length > 0. */
  last(): T {
    return this.items[(this.head + this.count - 1) & this.mask] as T;
  }

  push(item: T): void {
    if (this.count === this.items.length) this.grow();
    this.items[(this.head + this.count) & this.mask] = item;
    this.count++;
  }

  /** Removes and returns the head; the caller keeps length > 0. */
  shift(): T {
    const i = this.head;
    const item = this.items[i] as T;
    // Cleared so a released entry is not kept alive by the ring.
    this.items[i] = undefined;
    this.head = (i + 1) & this.mask;
    this.count--;
    return item;
  }

  /** Empties the queue and keeps its capacity. */
  clear(): void {
    for (let i = 0; i < this.count; i++) this.items[(this.head + i) & this.mask] = undefined;
    this.head = 0;
    this.count = 0;
  }

  private grow(): void {
    const old = this.items;
    const size = old.length * 2;
    const next = new Array<T | undefined>(size).fill(undefined);
    for (let i = 0; i < this.count; i++) next[i] = old[(this.head + i) & this.mask];
    this.items = next;
    this.head = 0;
    this.mask = size - 1;
  }
}
