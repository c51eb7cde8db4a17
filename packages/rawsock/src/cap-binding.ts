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
    // `cap` is native CommonJS. A bare `require` becomes a throwing stub in an ESM
    // bundle, so resolve it with createRequire from this module's own location: the
    // ESM and tsup-shimmed CJS builds have import.meta.url, other CJS bundles __filename.
    const here = import.meta.url ?? (typeof __filename === 'string' ? __filename : `${process.cwd()}/`);
    loaded = createRequire(here)('cap') as CapModule;
  } catch (err) {
    throw libpcapMissingError(err);
  }
  return loaded;
}
