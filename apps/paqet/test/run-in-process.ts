/** `paqet run [--check] -c FILE` in this process, with the offline interfaces and captured output. */
import type { CommandContext } from '../src/cli/command.js';
import { createRunCommand } from '../src/commands/run.js';
import type { ResolvedConfig } from '../src/config/index.js';
import { Logger } from '../src/log/logger.js';
import { createStdLog } from '../src/log/stdlog.js';
import { offlineEnv } from './helpers.js';

export interface RunResult {
  code: number;
  /** Logger lines and the plan (timestamps at the epoch). */
  out: string;
  /** Standard-logger lines (load failures). */
  err: string;
  /** The config `run` would have started the daemon with (the start hook returns at once); null if it did not get there. */
  started: ResolvedConfig | null;
}

export async function runInProcess(file: string, check: boolean): Promise<RunResult> {
  let out = '';
  let err = '';
  const stdout = { write: (s: string) => void (out += s) };
  const stderr = { write: (s: string) => void (err += s) };
  let started: ResolvedConfig | null = null;
  const command = createRunCommand({
    loadOptions: offlineEnv,
    start: async (config) => {
      started = config;
    },
  });
  const ctx: CommandContext = {
    flags: check ? { config: file, check: 'true' } : { config: file },
    positionals: [],
    stdout,
    stderr,
    stdlog: createStdLog(stderr, () => new Date(0)),
    logger: new Logger('info', stdout, () => new Date(0)),
  };
  const code = await command.run(ctx);
  return { code, out, err, started };
}
