/** The `paqet` executable. */
import { holdShutdownSignals } from './signals.js';

// `run` catches SIGINT/SIGTERM before the rest of paqet loads (a few hundred ms): a signal
// during start-up then ends the daemon cleanly (exit 0) rather than by the default action.
const releaseEarlySignals = process.argv[2] === 'run' ? holdShutdownSignals() : () => {};
const { main } = await import('./cli/main.js');
const { COMMANDS } = await import('./commands/index.js');

// `pnpm --filter paqet start -c server.yaml` runs us inside apps/paqet; relative paths
// (-c, -r, -w) mean the directory the user typed the command in, which pnpm passes on.
if (process.env.npm_lifecycle_event === 'start' && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);

// `paqet iface | head` closes our stdout early: that is a normal end, not a crash.
for (const out of [process.stdout, process.stderr]) {
  out.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

main(process.argv.slice(2), COMMANDS, { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    releaseEarlySignals();
    process.exitCode = code;
    // Native capture handles or sockets a library forgot must not keep a finished command alive.
    setTimeout(() => process.exit(code), 1000).unref();
  },
  (err: unknown) => {
    releaseEarlySignals();
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
