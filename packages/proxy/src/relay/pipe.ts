import type { Duplex } from 'node:stream';

export interface PipeOptions {
  /**
   * false (default, the reference behaviour): the first direction to end closes both sides,
   * after flushing what was already relayed. true: an EOF is passed on as a half-close
   * (`end()`) and the other direction keeps running until it ends too.
   */
  halfClose?: boolean;
  /** Destroy both sides after this long without a byte in either direction; 0 = never. */
  idleTimeoutMs?: number;
  /** How long ending sides may take to flush before they are destroyed. */
  lingerMs?: number;
  /** Called with each chunk's size, local → remote and remote → local. */
  onBytesUp?: (n: number) => void;
  onBytesDown?: (n: number) => void;
}

export interface PipeResult {
  /** The first error either side raised, or an idle timeout. */
  error?: Error;
  /** True when the relay ended because of the idle timeout. */
  idle: boolean;
}

export const DEFAULT_LINGER_MS = 5000;

/**
 * Relays bytes both ways between `local` and `remote` with backpressure (a side stops
 * being read while the other's write buffer is above its high-water mark). Resolves once
 * both sides are destroyed; it always destroys them.
 */
export function pipeBidirectional(local: Duplex, remote: Duplex, options: PipeOptions = {}): Promise<PipeResult> {
  return new Promise<PipeResult>((resolve) => {
    const halfClose = options.halfClose ?? false;
    const lingerMs = options.lingerMs ?? DEFAULT_LINGER_MS;
    let firstError: Error | undefined;
    let idle = false;
    let ending = false;
    let settled = false;
    let tearingDown = false;
    let lingerTimer: NodeJS.Timeout | undefined;
    let idleTimer: NodeJS.Timeout | undefined;
    let upEnded = false;
    let downEnded = false;

    const finish = (): void => {
      if (settled) return;
      tearingDown = true;
      if (!local.destroyed) local.destroy();
      if (!remote.destroyed) remote.destroy();
      if (!isClosed(local) || !isClosed(remote)) return; // resolve on the last 'close'
      settled = true;
      clearTimeout(lingerTimer);
      clearTimeout(idleTimer);
      resolve(firstError ? { error: firstError, idle } : { idle });
    };
    const abort = (error?: Error): void => {
      if (error && !firstError) firstError = error;
      stopPumps();
      finish();
    };
    // Graceful end of both sides: flush what each already got, send FIN, then destroy.
    const endBoth = (): void => {
      if (ending) return;
      ending = true;
      stopPumps();
      local.end();
      remote.end();
      lingerTimer = setTimeout(finish, lingerMs);
      lingerTimer.unref();
      whenFinished(local, remote, finish);
    };

    if (options.idleTimeoutMs && options.idleTimeoutMs > 0) {
      idleTimer = setTimeout(() => {
        idle = true;
        abort(new Error(`idle for ${options.idleTimeoutMs} ms`));
      }, options.idleTimeoutMs);
      idleTimer.unref();
    }
    const touch = idleTimer ? (): void => void idleTimer!.refresh() : (): void => {};

    const stopUp = pump(local, remote, options.onBytesUp, touch);
    const stopDown = pump(remote, local, options.onBytesDown, touch);
    function stopPumps(): void {
      stopUp();
      stopDown();
    }

    const onEof = (direction: 'up' | 'down'): void => {
      if (direction === 'up') upEnded = true;
      else downEnded = true;
      if (!halfClose) {
        endBoth();
        return;
      }
      (direction === 'up' ? remote : local).end();
      if (upEnded && downEnded) {
        lingerTimer = setTimeout(finish, lingerMs);
        lingerTimer.unref();
        whenFinished(local, remote, finish);
      }
    };
    local.on('end', () => onEof('up'));
    remote.on('end', () => onEof('down'));
    local.on('error', abort);
    remote.on('error', abort);
    // A side closing without a clean end (reset, destroy) tears the other down at once;
    // during a graceful end, whenFinished decides.
    const onClose = (): void => {
      if (tearingDown) finish();
      else if (!ending && !(halfClose && upEnded && downEnded)) abort();
    };
    local.on('close', onClose);
    remote.on('close', onClose);
  });
}

/** Moves chunks src → dst, pausing src while dst is saturated. Returns a stop function. */
function pump(src: Duplex, dst: Duplex, count: ((n: number) => void) | undefined, touch: () => void): () => void {
  const onData = (chunk: Buffer): void => {
    count?.(chunk.length);
    touch();
    if (!dst.write(chunk)) src.pause();
  };
  const onDrain = (): void => {
    src.resume();
  };
  src.on('data', onData);
  dst.on('drain', onDrain);
  // An explicitly paused stream does not start flowing when a 'data' listener is added.
  src.resume();
  return () => {
    src.off('data', onData);
    dst.off('drain', onDrain);
    src.pause();
  };
}

function isClosed(stream: Duplex): boolean {
  return stream.destroyed && (stream as Duplex & { closed?: boolean }).closed !== false;
}

function whenFinished(a: Duplex, b: Duplex, done: () => void): void {
  let pending = 2;
  const one = (): void => {
    if (--pending === 0) done();
  };
  for (const s of [a, b]) {
    if (s.writableFinished || s.destroyed) {
      one();
      continue;
    }
    // 'close' without 'finish' means the side died before flushing: nothing more to wait for.
    let counted = false;
    const onceOnly = (): void => {
      if (counted) return;
      counted = true;
      one();
    };
    s.once('finish', onceOnly);
    s.once('close', onceOnly);
  }
}
