/**
 * Where sessions get time and timers. Real time by default; tests pass a
 * virtual clock with the same shape (e.g. @paqet/testkit's VirtualClock).
 */
export interface SessionClock {
  /** Milliseconds; KCP truncates to uint32. */
  now(): number;
  /** ms <= 0 means "as soon as the current I/O burst is done". */
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Milliseconds since the process started (kcp-go's currentMs), real timers. */
export const realClock: SessionClock = {
  now: () => Math.floor(performance.now()),
  setTimeout: (fn, ms) => (ms <= 0 ? setImmediate(fn) : setTimeout(fn, ms)),
  clearTimeout: (h) => {
    // Either kind; clearing the wrong kind is a no-op.
    clearTimeout(h as NodeJS.Timeout);
    clearImmediate(h as NodeJS.Immediate);
  },
};
