/**
 * Configuration problems. Every issue knows where it is (file, line, column,
 * key path) and carries the reference program's message text, so output can be
 * both precise and familiar to users of the Go paqet.
 */
import { escapeLogText } from '@paqet/proxy';
import { PaqetError } from '@paqet/wire';

/** How many problems a ConfigError's message lists, and how many warnings a command prints. */
export const MAX_LISTED_ERRORS = 50;
export const MAX_PRINTED_WARNINGS = 20;
/** Longest value a message quotes from the file. */
export const MAX_SHOWN_VALUE = 60;

/** A value from the file as a message quotes it: escaped, and cut to 60 characters plus "…". */
export function shown(value: string, max = MAX_SHOWN_VALUE): string {
  return escapeLogText(value.length > max ? `${value.slice(0, max)}…` : value);
}

export type IssueSeverity = 'error' | 'warning';

export interface ConfigIssue {
  readonly severity: IssueSeverity;
  readonly file: string;
  /** 1-based; points at the value, or at the nearest existing parent for a missing key. */
  readonly line: number;
  readonly col: number;
  /** Key path like `transport.kcp.mtu` or `socks5[0].listen`; '' for file-level problems. */
  readonly path: string;
  /** Message without list-index prefix (the path already says which entry). */
  readonly message: string;
  /** The exact line the Go program prints for this problem (with its `socks5[i] ` prefix). */
  readonly goMessage: string;
}

/** `FILE:LINE:COL: key.path: message` (the path part is omitted for file-level issues). */
export function formatIssue(issue: ConfigIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.col}:`;
  return issue.path ? `${where} ${issue.path}: ${issue.message}` : `${where} ${issue.message}`;
}

export class ConfigError extends PaqetError {
  readonly issues: readonly ConfigIssue[];
  readonly warnings: readonly ConfigIssue[];
  constructor(message: string, issues: readonly ConfigIssue[], warnings: readonly ConfigIssue[] = []) {
    super('PAQET_ERR_CONFIG', message, 'fatal');
    this.name = 'ConfigError';
    this.issues = issues;
    this.warnings = warnings;
  }

  /**
   * Go's layout (`validation failed:` + one `\n  - ` line per problem), with each
   * line located. Read/parse/role failures are a single line without the header.
   */
  static fromIssues(issues: readonly ConfigIssue[], warnings: readonly ConfigIssue[], header = 'validation failed:'): ConfigError {
    const lines = listed(issues, MAX_LISTED_ERRORS, 'problems').map((l) => `\n  - ${l}`).join('');
    return new ConfigError(`${header}${lines}`, issues, warnings);
  }
}

/**
 * The lines to print for `issues`: the first `max`, then one `… and N more …` line
 * (naming unknown keys when that is all the rest are), so a file with thousands of
 * problems still gives a short answer.
 */
export function listed(issues: readonly ConfigIssue[], max: number, noun = 'warnings'): string[] {
  const lines = issues.slice(0, max).map(formatIssue);
  const rest = issues.slice(max);
  if (rest.length > 0) {
    const what = rest.every((i) => i.message === UNKNOWN_KEY) ? 'unknown keys' : noun;
    lines.push(`… and ${rest.length} more ${what}`);
  }
  return lines;
}

export const UNKNOWN_KEY = 'unknown key (ignored)';
