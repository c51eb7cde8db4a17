/**
 * Secrets from a file or an environment variable as well as inline (our extension):
 * `key` / `key_file` / `key_env`, `password` / `password_file` / `password_env`. At most one
 * of each trio may be set; a file's trailing newline is dropped (what `echo > file` leaves).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { KeyPath } from './source.js';

export interface SecretFields {
  readonly inline: string | null | undefined;
  readonly file: string | null | undefined;
  readonly env: string | null | undefined;
}

export interface SecretIssueSink {
  error(path: KeyPath, message: string): void;
}

/** 64 KiB: far above any passphrase, small enough that a wrong path to a big file is refused. */
const MAX_SECRET_BYTES = 64 * 1024;

/**
 * The secret's value ('' when none is set). `base` is the path of the key holding the
 * inline value (`['transport','kcp','key']`); the others are `<name>_file` and `<name>_env`.
 * A relative file path is taken from the config file's folder.
 */
export function readSecret(c: SecretIssueSink, base: KeyPath, f: SecretFields, configFile: string, env: NodeJS.ProcessEnv = process.env): string {
  const name = String(base[base.length - 1]);
  const at = (suffix: string): KeyPath => [...base.slice(0, -1), `${name}${suffix}`];
  const set = [f.inline ? '' : null, f.file ? '_file' : null, f.env ? '_env' : null].filter((x): x is string => x !== null);
  if (set.length > 1) {
    c.error(at(set[1]!), `set only one of ${name}, ${name}_file and ${name}_env`);
    return '';
  }
  if (f.file) {
    const path = resolve(dirname(configFile), f.file);
    try {
      const data = readFileSync(path);
      if (data.length > MAX_SECRET_BYTES) {
        c.error(at('_file'), `secret file ${path} is larger than ${MAX_SECRET_BYTES} bytes`);
        return '';
      }
      return data.toString('utf8').replace(/\r?\n$/, '');
    } catch (err) {
      c.error(at('_file'), `cannot read secret file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      return '';
    }
  }
  if (f.env) {
    const value = env[f.env];
    if (value === undefined || value === '') {
      c.error(at('_env'), `environment variable ${f.env} is not set`);
      return '';
    }
    return value;
  }
  return f.inline ?? '';
}
