import { configFlag, type Command, type CommandContext } from '../cli/command.js';
import type { LoadOptions, ResolvedConfig } from '../config/index.js';
import { runClient, runServer, StartupError, type DaemonDeps } from '../daemon/index.js';
import { describePlan } from '../plan.js';
import { shutdownSignal } from '../signals.js';
import { loadForCommand } from './load-for-command.js';

export interface RunCommandDeps {
  /** Interfaces, resolver and platform for validation (default: this host's). */
  readonly loadOptions?: LoadOptions;
  /** Starts the daemon (default: runClient / runServer by role). */
  readonly start?: (config: ResolvedConfig, deps: DaemonDeps) => Promise<void>;
}

const startDaemon = (config: ResolvedConfig, deps: DaemonDeps): Promise<void> =>
  config.role === 'client' ? runClient(config, deps) : runServer(config, deps);

/**
 * `run` and `run --check` share one path up to the start: the same loading and
 * validation (so --check refuses exactly what run would refuse), the same
 * warnings, the same plan. --check stops there; run goes on to start.
 */
export function createRunCommand(deps: RunCommandDeps = {}): Command {
  const start = deps.start ?? startDaemon;
  return {
    name: 'run',
    short: 'Runs the client or server based on the config file',
    long: 'Runs paqet as a client or a server, as the configuration file\'s role says.',
    flags: [
      configFlag,
      { name: 'check', kind: 'boolean', help: 'Validate the configuration and show what would run, then exit (touches nothing)' },
    ],
    async run(ctx) {
      // Held before the first await: a signal while the config loads (or the daemon starts)
      // ends the run cleanly instead of killing the process half-started.
      const shutdown = shutdownSignal(ctx.stdlog);
      try {
        const loaded = await loadForCommand(ctx, deps.loadOptions);
        if (!loaded) return 1;
        const { config } = loaded;
        ctx.stdout.write(describePlan(config));
        if (ctx.flags.check || shutdown.signal.aborted) return 0;
        ctx.logger.setLevel(config.log.level);
        ctx.logger.setFormat(config.log.format);
        return await startUntilShutdown(ctx, config, shutdown.signal);
      } finally {
        shutdown.dispose();
        ctx.logger.flush();
      }
    },
  };

  async function startUntilShutdown(ctx: CommandContext, config: ResolvedConfig, signal: AbortSignal): Promise<number> {
    try {
      await start(config, { logger: ctx.logger, signal });
      return 0;
    } catch (err) {
      ctx.logger.flush();
      if (err instanceof StartupError) ctx.stdlog.print(err.line);
      else if (config.role === 'client') ctx.stdlog.print(`client encountered an error: ${(err as Error).message}`);
      else ctx.stdlog.print(`server encountered an error: could not start KCP listener: ${(err as Error).message}`);
      ctx.logger.debug('%s', (err as Error).stack ?? String(err));
      return 1;
    }
  }
}

export const runCommand: Command = createRunCommand();
