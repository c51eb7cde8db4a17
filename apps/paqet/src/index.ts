/** Library surface of the app, for the daemon wiring and tests. */
export * from './config/index.js';
export { Logger, isNoiseError } from './log/logger.js';
export { createStdLog, type StdLog } from './log/stdlog.js';
export { describePlan } from './plan.js';
export { dumpBlock, hexDump } from './dump/hexdump.js';
export { main } from './cli/main.js';
export { COMMANDS } from './commands/index.js';
