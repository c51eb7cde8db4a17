import { randomBytes } from 'node:crypto';
import type { Command } from '../cli/command.js';

/** 32 bytes from the OS CSPRNG as 64 lowercase hex characters (apps/paqet/README.md). */
export const secretCommand: Command = {
  name: 'secret',
  short: 'Generates a secure, random 32-byte secret key',
  long: 'Generates a cryptographically secure, random 32-byte key, printed as hex, for transport.kcp.key.',
  flags: [],
  async run(ctx) {
    let key: Buffer;
    try {
      key = randomBytes(32);
    } catch (err) {
      ctx.stdlog.print(`failed to generate random key: ${(err as Error).message}`);
      return 1;
    }
    ctx.stdout.write(`${key.toString('hex')}\n`);
    return 0;
  },
};
