/** Go's standard logger: stderr, `YYYY/MM/DD HH:MM:SS message`. Used for start-up, config and command status lines. */
import { stdTimestamp } from './format.js';

export interface StdLog {
  print(message: string): void;
}

export function createStdLog(sink: { write(s: string): void } = process.stderr, now: () => Date = () => new Date()): StdLog {
  return { print: (message) => sink.write(`${stdTimestamp(now())} ${message}\n`) };
}
