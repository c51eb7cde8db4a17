/** SIGINT/SIGTERM → one AbortSignal; the shutdown notice goes to the standard logger as in the reference. */
import type { StdLog } from './log/stdlog.js';

export function shutdownSignal(stdlog: StdLog, notice = 'shutdown signal received, shutting down...'): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) return;
    stdlog.print(notice);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
