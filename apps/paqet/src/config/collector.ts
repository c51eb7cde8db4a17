/** Problems found while validating, in the order found, each at a key path. */
import type { KeyPath } from './source.js';

export interface RawIssue {
  readonly severity: 'error' | 'warning';
  readonly path: KeyPath;
  readonly message: string;
  readonly goMessage: string;
}

export class Collector {
  readonly issues: RawIssue[] = [];
  error(path: KeyPath, message: string, goPrefix = ''): void {
    this.issues.push({ severity: 'error', path, message, goMessage: goPrefix + message });
  }
  warn(path: KeyPath, message: string): void {
    this.issues.push({ severity: 'warning', path, message, goMessage: message });
  }
  get failed(): boolean {
    return this.issues.some((i) => i.severity === 'error');
  }

  /**
   * 0 means "unset" in the reference program (config.md 1.4) and gets the default;
   * a 0 written in the file is pointed out, since it does not mean zero.
   */
  intOr(path: KeyPath, value: number | null | undefined, dflt: number): number {
    if (value) return value;
    if (value === 0) this.warn(path, `0 means the default, ${dflt}`);
    return dflt;
  }

  /** '' means "unset" too. */
  strOr(path: KeyPath, value: string | null | undefined, dflt: string): string {
    if (value) return value;
    if (value === '') this.warn(path, `"" means the default, ${dflt}`);
    return dflt;
  }
}
