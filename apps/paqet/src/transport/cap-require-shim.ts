/**
 * Adapter for a packaging bug in @paqet/rawsock's ESM build: esbuild turns its
 * `typeof require === 'function' ? require : createRequire(import.meta.url)`
 * into a `__require` shim that exists but throws "Dynamic require of cap is not
 * supported" unless a global `require` is present when it is called. We provide
 * one that resolves from @paqet/rawsock's own location (where `cap` is a dependency).
 * Remove once rawsock's dist loads cap without it.
 */
import { createRequire } from 'node:module';

export function installCapRequireShim(): void {
  const g = globalThis as { require?: unknown };
  if (typeof g.require === 'function') return;
  try {
    g.require = createRequire(import.meta.resolve('@paqet/rawsock'));
  } catch {
    // Not resolvable (e.g. bundled differently): rawsock reports libpcap as missing itself.
  }
}
