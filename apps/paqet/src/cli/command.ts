/** What a sub-command is: its help texts, flags and an async body returning the exit status. */
import type { Logger } from '../log/logger.js';
import type { StdLog } from '../log/stdlog.js';

export interface FlagSpec {
  readonly name: string;
  readonly short?: string;
  readonly kind: 'string' | 'boolean';
  readonly default?: string;
  readonly help: string;
}

export interface Output {
  write(s: string): void;
}

export interface CommandContext {
  /** Parsed flags by long name; booleans are 'true' when present. */
  readonly flags: Readonly<Record<string, string | undefined>>;
  /** Arguments that are not flags (e.g. `apply` in `paqet firewall apply`). */
  readonly positionals: readonly string[];
  readonly stdout: Output;
  readonly stderr: Output;
  /** Go standard logger (stderr). */
  readonly stdlog: StdLog;
  /** paqet runtime logger (stdout); level info until a config sets it. */
  readonly logger: Logger;
}

export interface Command {
  readonly name: string;
  readonly short: string;
  readonly long?: string;
  readonly flags: readonly FlagSpec[];
  run(ctx: CommandContext): Promise<number>;
}

export const configFlag: FlagSpec = {
  name: 'config', short: 'c', kind: 'string', default: 'config.yaml', help: 'Path to the configuration file',
};
