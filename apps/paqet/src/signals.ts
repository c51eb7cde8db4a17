/**
 * SIGINT/SIGTERM → one process-wide shutdown request. The handlers are held (reference
 * counted) from the first moment a caller needs them: the executable holds them before it
 * loads its modules when the command is `run`, so a signal during start-up is remembered
 * and answered with a clean exit instead of killing the process by the default action.
 * The shutdown notice goes to the standard logger as in the reference.
 */
import type { StdLog } from './log/stdlog.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
let holders = 0;
let requested = false;
const waiting = new Set<() => void>();

function onSignal(): void {
  if (requested) return;
  requested = true;
  for (const notify of [...waiting]) notify();
}

/**
 * Catches SIGINT/SIGTERM until the returned release is called (by every holder). A signal
 * caught meanwhile stays requested for shutdownSignal() to see; it is forgotten once the
 * last holder releases, and the default action applies again.
 */
export function holdShutdownSignals(): () => void {
  if (holders++ === 0) for (const s of SIGNALS) process.on(s, onSignal);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holders > 0) return;
    for (const s of SIGNALS) process.off(s, onSignal);
    requested = false;
  };
}

/** An AbortSignal aborted by SIGINT/SIGTERM, already aborted if one arrived while the handlers were held. */
export function shutdownSignal(stdlog: StdLog, notice = 'shutdown signal received, shutting down...'): { signal: AbortSignal; dispose(): void } {
  const release = holdShutdownSignals();
  const controller = new AbortController();
  const abort = () => {
    if (controller.signal.aborted) return;
    stdlog.print(notice);
    controller.abort();
  };
  if (requested) abort();
  else waiting.add(abort);
  return {
    signal: controller.signal,
    dispose: () => {
      waiting.delete(abort);
      release();
    },
  };
}
