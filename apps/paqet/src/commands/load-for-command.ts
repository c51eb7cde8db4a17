/** Config loading as `run`, `ping` and `dump` do it: warnings through the logger, failures as one fatal line. */
import type { CommandContext } from '../cli/command.js';
import { ConfigError, formatIssue, loadConfig, type LoadedConfig, type LoadOptions, type Role } from '../config/index.js';

export async function loadForCommand(ctx: CommandContext, options: LoadOptions = {}): Promise<LoadedConfig | null> {
  const path = ctx.flags.config ?? 'config.yaml';
  try {
    const loaded = await loadConfig(path, options);
    // Printed at the logger's start-up level (info), before log.level applies, as the reference does.
    for (const w of loaded.warnings) ctx.logger.warn('%s', formatIssue(w));
    for (const d of loaded.discovered) ctx.logger.info('discovered %s', d);
    ctx.logger.flush();
    return loaded;
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const w of err.warnings) ctx.logger.warn('%s', formatIssue(w));
      ctx.logger.flush();
    }
    ctx.stdlog.print(`failed to parse configuration: ${(err as Error).message}`);
    return null;
  }
}

export function requireRole(ctx: CommandContext, loaded: LoadedConfig, role: Role, command: string): boolean {
  if (loaded.config.role === role) return true;
  ctx.stdlog.print(`${command} command requires ${role} configuration`);
  return false;
}
