/**
 * Configuration problems. Every issue knows where it is (file, line, column,
 * key path) and carries the reference program's message text, so output can be
 * both precise and familiar to users of the Go paqet.
 */
import { PaqetError } from '@paqet/wire';

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
    const lines = issues.map((i) => `\n  - ${formatIssue(i)}`).join('');
    return new ConfigError(`${header}${lines}`, issues, warnings);
  }
}
