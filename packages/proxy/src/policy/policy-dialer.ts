/**
 * A Dialer that applies a TargetPolicy before anything leaves this host: names are
 * resolved first, each answer is checked, and the inner dialer is given the first
 * allowed address itself (never the name again), so a second, different DNS answer
 * (rebinding) cannot reach an address the policy refused.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { formatHostPort } from '../address.js';
import type { DatagramChannel, Dialer } from '../dialer.js';
import { DialError, TargetDeniedError, toDialError } from '../errors.js';
import type { TargetPolicy, TargetVerdict } from './target-policy.js';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

/** Every address of `host`, in the order to try them. */
export type TargetResolver = (host: string) => Promise<readonly ResolvedAddress[]>;

const systemResolver: TargetResolver = (host) => lookup(host, { all: true, verbatim: true });

export interface PolicyDialerOptions {
  readonly policy: TargetPolicy;
  /** Dials the checked address (the server's DirectDialer). */
  readonly dialer: Dialer;
  readonly resolve?: TargetResolver;
  /** Name resolution time limit (default 8000 ms, the reference server's dial timeout). */
  readonly resolveTimeoutMs?: number;
}

export class PolicyDialer implements Dialer {
  private readonly resolve: TargetResolver;
  private readonly resolveTimeoutMs: number;

  constructor(private readonly options: PolicyDialerOptions) {
    this.resolve = options.resolve ?? systemResolver;
    this.resolveTimeoutMs = options.resolveTimeoutMs ?? 8000;
  }

  async dialTcp(host: string, port: number, signal?: AbortSignal): Promise<Duplex> {
    return this.options.dialer.dialTcp(await this.admit(host, port, signal), port, signal);
  }

  async dialUdp(host: string, port: number, signal?: AbortSignal): Promise<DatagramChannel> {
    return this.options.dialer.dialUdp(await this.admit(host, port, signal), port, signal);
  }

  /** The address to dial, or a TargetDeniedError / DialError. */
  private async admit(host: string, port: number, signal?: AbortSignal): Promise<string> {
    const target = formatHostPort(host, port);
    const zoneless = host.includes('%') ? host.slice(0, host.indexOf('%')) : host;
    // An empty host is this machine, as the direct dialer treats it.
    const candidates = isIP(zoneless) ? [host] : await this.lookup(host === '' ? 'localhost' : host, target, signal);
    let first: (TargetVerdict & { allowed: false }) | null = null;
    let firstAddress = '';
    for (const address of candidates) {
      const verdict = this.options.policy.check(address, port);
      if (verdict.allowed) return address;
      if (!first) {
        first = verdict;
        firstAddress = address;
      }
    }
    throw new TargetDeniedError(host, port, firstAddress, first?.reason ?? 'no address');
  }

  private async lookup(name: string, target: string, signal?: AbortSignal): Promise<string[]> {
    if (signal?.aborted) throw new DialError('general', target, 'aborted');
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DialError('timeout', target, `not resolved within ${this.resolveTimeoutMs} ms`)), this.resolveTimeoutMs);
      onAbort = () => reject(new DialError('general', target, 'aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const answers = await Promise.race([this.resolve(name), limit]);
      if (answers.length === 0) throw new DialError('host-unreachable', target, `no address for ${name}`);
      return answers.map((a) => a.address);
    } catch (error) {
      throw toDialError(error, target);
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }
}
