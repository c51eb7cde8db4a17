/** The `paqet` executable. */
import { main } from './cli/main.js';
import { COMMANDS } from './commands/index.js';

// `paqet iface | head` closes our stdout early: that is a normal end, not a crash.
for (const out of [process.stdout, process.stderr]) {
  out.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

main(process.argv.slice(2), COMMANDS, { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
    // Native capture handles or sockets a library forgot must not keep a finished command alive.
    setTimeout(() => process.exit(code), 1000).unref();
  },
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
