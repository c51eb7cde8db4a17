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
    // A CJS bundle has `require` but no import.meta.url; ESM has the reverse.
    const load = typeof require === 'function' ? require : createRequire(import.meta.url);
    loaded = load('cap') as CapModule;
  } catch (err) {
    throw libpcapMissingError(err);
  }
  return loaded;
}
