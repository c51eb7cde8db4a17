/** The `paqet` executable. */
import { main } from './cli/main.js';
import { COMMANDS } from './commands/index.js';

main(process.argv.slice(2), COMMANDS, { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
