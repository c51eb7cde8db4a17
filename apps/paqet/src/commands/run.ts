import { configFlag, type Command } from '../cli/command.js';
import { runClient, runServer, StartupError } from '../daemon/index.js';
import { describePlan } from '../plan.js';
import { shutdownSignal } from '../signals.js';
import { loadForCommand } from './load-for-command.js';

export const runCommand: Command = {
  name: 'run',
  short: 'Runs the client or server based on the config file',
  long: 'Runs paqet as a client or a server, as the configuration file\'s role says.',
  flags: [
    configFlag,
    { name: 'check', kind: 'boolean', help: 'Validate the configuration and show what would run, then exit (touches nothing)' },
  ],
  async run(ctx) {
    const loaded = await loadForCommand(ctx);
    if (!loaded) return 1;
    const { config } = loaded;
    if (ctx.flags.check) {
      ctx.stdout.write(describePlan(config));
      return 0;
    }
    ctx.logger.setLevel(config.log.level);
    ctx.logger.setFormat(config.log.format);
    ctx.stdout.write(describePlan(config));
    const shutdown = shutdownSignal(ctx.stdlog);
    try {
      if (config.role === 'client') await runClient(config, { logger: ctx.logger, signal: shutdown.signal });
      else await runServer(config, { logger: ctx.logger, signal: shutdown.signal });
      return 0;
    } catch (err) {
      ctx.logger.flush();
      if (err instanceof StartupError) ctx.stdlog.print(err.line);
      else if (config.role === 'client') ctx.stdlog.print(`client encountered an error: ${(err as Error).message}`);
      else ctx.stdlog.print(`server encountered an error: could not start KCP listener: ${(err as Error).message}`);
      ctx.logger.debug('%s', (err as Error).stack ?? String(err));
      return 1;
    } finally {
      shutdown.dispose();
      ctx.logger.flush();
    }
  },
};
