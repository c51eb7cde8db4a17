/**
 * Which targets the server-side relay may connect to. Order of evaluation, for a
 * resolved address and port:
 *   1. a target matching any `deny` rule is refused (deny wins over allow);
 *   2. otherwise, when `allow` has rules, a target matching none of them is refused;
 *   3. otherwise it is allowed (no rules at all = every target, the reference behaviour).
 * 0.0.0.0 and :: reach this host's loopback, so they must pass as 127.0.0.1 / ::1 too.
 */
import { isUnspecified, LOOPBACK, plainIp, TargetRule, type PlainIp } from './target-rule.js';

export interface TargetPolicyRules {
  readonly allow?: readonly (TargetRule | string)[];
  readonly deny?: readonly (TargetRule | string)[];
}

export type TargetVerdict =
  | { readonly allowed: true }
  /** `rule`: the deny rule that matched; null when the address matched no allow rule. */
  | { readonly allowed: false; readonly rule: TargetRule | null; readonly reason: string };

const ALLOWED: TargetVerdict = { allowed: true };

export class TargetPolicy {
  readonly allow: readonly TargetRule[];
  readonly deny: readonly TargetRule[];

  /** Strings are parsed with TargetRule.parse (which throws TargetRuleError). */
  constructor(rules: TargetPolicyRules = {}) {
    const parse = (r: TargetRule | string): TargetRule => (typeof r === 'string' ? TargetRule.parse(r) : r);
    this.allow = (rules.allow ?? []).map(parse);
    this.deny = (rules.deny ?? []).map(parse);
  }

  /** False when the policy lets every target through. */
  get restricts(): boolean {
    return this.allow.length > 0 || this.deny.length > 0;
  }

  /** `address` must be an IP literal (resolve names first); anything else is refused. */
  check(address: string, port: number): TargetVerdict {
    const ip = plainIp(address);
    if (!ip) return { allowed: false, rule: null, reason: 'not an IP address' };
    const first = this.checkIp(ip, port);
    if (!first.allowed || !isUnspecified(ip)) return first;
    return this.checkIp(LOOPBACK[ip.family], port);
  }

  private checkIp(ip: PlainIp, port: number): TargetVerdict {
    const denied = this.deny.find((r) => r.matches(ip, port));
    if (denied) return { allowed: false, rule: denied, reason: `denied by rule ${denied.text}` };
    if (this.allow.length > 0 && !this.allow.some((r) => r.matches(ip, port))) {
      return { allowed: false, rule: null, reason: 'matches no allow rule' };
    }
    return ALLOWED;
  }
}
