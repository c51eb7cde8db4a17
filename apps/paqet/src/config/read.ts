/**
 * Reading a configuration file with a size cap: a paqet config is a few KB, so
 * anything over 1 MiB is refused before it is parsed (and never read past the cap,
 * so a huge file or a device cannot exhaust memory).
 */
import { open } from 'node:fs/promises';
import { ConfigError, type ConfigIssue } from './issues.js';

export const MAX_CONFIG_BYTES = 1024 * 1024;

/** The error for a file or text over the cap; `size` is null when unknown (only "over"). */
export function tooLargeError(file: string, size: number | null): ConfigError {
  const message = `${size === null ? '' : `${size} bytes, `}over the 1 MiB limit for a configuration file (${MAX_CONFIG_BYTES} bytes)`;
  const issue: ConfigIssue = { severity: 'error', file, line: 1, col: 1, path: '', message, goMessage: message };
  return new ConfigError(`${file}: ${message}`, [issue]);
}

/** The file as UTF-8 text; ConfigError when over the cap, the read error as-is otherwise. */
export async function readConfigFile(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const stat = await handle.stat();
    if (stat.isFile() && stat.size > MAX_CONFIG_BYTES) throw tooLargeError(path, stat.size);
    const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > MAX_CONFIG_BYTES) throw tooLargeError(path, null);
    return buffer.toString('utf8', 0, length);
  } finally {
    await handle.close();
  }
}
