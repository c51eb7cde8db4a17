/** Dispatch with cobra's observable behaviour (cli.md 1). Returns the exit status. */
import { Logger } from '../log/logger.js';
import { createStdLog } from '../log/stdlog.js';
import type { Command, CommandContext, Output } from './command.js';
import { commandHelp, commandUsage, rootHelp } from './help.js';
import { parseFlags } from './parse.js';

export interface MainIo {
  readonly stdout: Output;
  readonly stderr: Output;
}

export async function main(argv: readonly string[], commands: readonly Command[], io: MainIo): Promise<number> {
  const stdlog = createStdLog(io.stderr);
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help') {
    io.stdout.write(rootHelp(commands));
    return 0;
  }
  if (first === 'help') {
    const target = commands.find((c) => c.name === rest[0]);
    io.stdout.write(target ? commandHelp(target) : rootHelp(commands));
    return 0;
  }
  const cmd = commands.find((c) => c.name === first);
  if (!cmd) {
    const error = first.startsWith('-') ? `unknown flag: ${first}` : `unknown command "${first}" for "paqet"`;
    io.stderr.write(`Error: ${error}\nRun 'paqet --help' for usage.\n`);
    stdlog.print(error);
    return 1;
  }
  const parsed = parseFlags(rest, cmd.flags);
  if (!parsed.ok) {
    io.stderr.write(`Error: ${parsed.error}\n${commandUsage(cmd)}\n`);
    stdlog.print(parsed.error);
    return 1;
  }
  if (parsed.help) {
    io.stdout.write(commandHelp(cmd));
    return 0;
  }
  const logger = new Logger('info', io.stdout);
  const ctx: CommandContext = { flags: parsed.flags, positionals: parsed.positionals, stdout: io.stdout, stderr: io.stderr, stdlog, logger };
  try {
    return await cmd.run(ctx);
  } finally {
    logger.flush();
  }
}
