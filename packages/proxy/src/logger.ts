/** Where the proxy reports what it does. Messages follow the reference program's wording. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const noop = (): void => {};

/** The default: a library stays quiet unless the application asks otherwise. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };
