/**
 * One shutdown signal is shared by every dial and relay of a service, so hundreds may wait on
 * it at once. Adding an 'abort' listener each would pass Node's MaxListeners limit (10) and
 * print a leak warning for what is no leak. Here each signal holds at most one listener, which
 * fans out to the current waiters and is removed as soon as nobody waits.
 */
interface Waiters {
  readonly callbacks: Set<() => void>;
  readonly listener: () => void;
}

const bySignal = new WeakMap<AbortSignal, Waiters>();

const noop = (): void => {};

/**
 * Calls `fn` once when `signal` aborts (never if it already has, like addEventListener).
 * Returns the function that stops waiting; call it when the work is done.
 */
export function onAbort(signal: AbortSignal | undefined, fn: () => void): () => void {
  if (!signal || signal.aborted) return noop;
  let waiters = bySignal.get(signal);
  if (!waiters) {
    const callbacks = new Set<() => void>();
    const listener = (): void => {
      bySignal.delete(signal);
      for (const callback of [...callbacks]) callback();
      callbacks.clear();
    };
    waiters = { callbacks, listener };
    bySignal.set(signal, waiters);
    signal.addEventListener('abort', listener, { once: true });
  }
  // A wrapper per call: the same function may wait twice and be cancelled once.
  const callback = (): void => fn();
  const { callbacks, listener } = waiters;
  callbacks.add(callback);
  return () => {
    if (!callbacks.delete(callback) || callbacks.size > 0) return;
    if (bySignal.get(signal)?.callbacks === callbacks) bySignal.delete(signal);
    signal.removeEventListener('abort', listener);
  };
}
