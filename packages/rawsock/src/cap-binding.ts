/**
 * Loads the `cap` libpcap binding lazily, so importing @paqet/rawsock never fails on a
 * host without libpcap; the first socket that needs it gets an actionable error.
 */
import { createRequire } from 'node:module';
import { libpcapMissingError } from './errors.js';

/** The parts of cap's native `Cap` object that rawsock uses. */
export interface CapHandle {
  /** Opens the device with promiscuous mode on, snaplen 65535, immediate mode; returns the link type name. */
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  close(): boolean;
  send(buffer: Buffer, length: number): void;
  /** cap delivers packets by calling this method of the instance (read once at construction). */
  emit(event: string, ...args: unknown[]): boolean;
}

export interface CapModule {
  Cap: new () => CapHandle;
}

let loaded: CapModule | undefined;

export function loadCap(): CapModule {
  if (loaded) return loaded;
  try {
    // `cap` is native CommonJS. tsup's shims give the CJS build an import.meta.url, so
    // one createRequire serves both builds (a bare `require` becomes a throwing stub in ESM).
    loaded = createRequire(import.meta.url)('cap') as CapModule;
  } catch (err) {
    throw libpcapMissingError(err);
  }
  return loaded;
}
