/**
 * `targets` (server only; a paqet-ts extension that the Go program ignores): the
 * allow/deny rules the server's relay applies to every TCP and UDP target, after
 * resolving names (docs/configuration.md, "targets"). Absent = every target, as
 * the reference program.
 */
import { TargetPolicy, TargetRule, TargetRuleError } from '@paqet/proxy';
import type { Collector } from './collector.js';
import { shown } from './issues.js';
import type { ConfigFile } from './schema.js';
import type { Role } from './types.js';

export function checkTargets(c: Collector, role: Role, raw: ConfigFile['targets']): TargetPolicy {
  if (!raw) return new TargetPolicy();
  if (role === 'client') {
    c.warn(['targets'], 'only a server applies targets; ignored in a client config');
    return new TargetPolicy();
  }
  const rules = (list: 'allow' | 'deny'): TargetRule[] =>
    (raw[list] ?? []).flatMap((text, i) => {
      try {
        return [TargetRule.parse(text ?? '')];
      } catch (err) {
        if (!(err instanceof TargetRuleError)) throw err;
        c.error(['targets', list, i], `invalid target rule '${shown(text ?? '')}': ${shown(err.reason, 200)}`);
        return [];
      }
    });
  const deny = rules('deny');
  return new TargetPolicy({ deny, allow: rules('allow') });
}
