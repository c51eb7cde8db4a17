/** Config loading as `run`, `ping` and `dump` do it: warnings through the logger, failures as one fatal line. */
import type { CommandContext } from '../cli/command.js';
import { EscapedText } from '../log/format.js';
import { ConfigError, listed, loadConfig, MAX_PRINTED_WARNINGS, type ConfigIssue, type LoadedConfig, type LoadOptions, type Role } from '../config/index.js';

/** The first 20 warnings, then one "… and N more" line. Values from the file in them are already escaped (shown()). */
function printWarnings(ctx: CommandContext, warnings: readonly ConfigIssue[]): void {
  for (const line of listed(warnings, MAX_PRINTED_WARNINGS)) ctx.logger.warn('%s', new EscapedText(line));
  ctx.logger.flush();
}

export async function loadForCommand(ctx: CommandContext, options: LoadOptions = {}): Promise<LoadedConfig | null> {
  const path = ctx.flags.config ?? 'config.yaml';
  try {
    const loaded = await loadConfig(path, options);
    // Printed at the logger's start-up level (info), before log.level applies, as the reference does.
    printWarnings(ctx, loaded.warnings);
    for (const d of loaded.discovered) ctx.logger.info('discovered %s', d);
    ctx.logger.flush();
    return loaded;
  } catch (err) {
    if (err instanceof ConfigError) printWarnings(ctx, err.warnings);
    ctx.stdlog.print(`failed to parse configuration: ${(err as Error).message}`);
    return null;
  }
}

export function requireRole(ctx: CommandContext, loaded: LoadedConfig, role: Role, command: string): boolean {
  if (loaded.config.role === role) return true;
  ctx.stdlog.print(`${command} command requires ${role} configuration`);
  return false;
}
