/**
 * The daemon's side of `network.firewall`: `auto` clears rules left by an earlier crash of
 * the same config, adds ours at start (and per connection for random client ports) and
 * removes them at exit; `check` warns loudly when the rules are missing; `off` does nothing.
 */
import type { ResolvedConfig } from '../config/index.js';
import type { Logger } from '../log/logger.js';
import { firewallFor, firewallPlan } from './plan.js';

export interface DaemonFirewall {
  /** A connection bound a local port (random-port clients). */
  addPort(port: number): void;
  removePort(port: number): void;
  /** Removes what `auto` added; waits for pending changes. */
  close(): Promise<void>;
}

const NOOP: DaemonFirewall = { addPort() {}, removePort() {}, close: async () => {} };

export async function startFirewall(config: ResolvedConfig, logger: Logger): Promise<DaemonFirewall> {
  const mode = config.network.firewall;
  if (mode === 'off') return NOOP;
  const plan = firewallPlan(config);
  const firewall = firewallFor(config);
  const fixed = new Set(plan.ports);
  if (mode === 'check') {
    if (plan.ports.length === 0) return NOOP;
    try {
      const missing = (await firewall.status(plan.ports)).filter((s) => s.state === 'missing');
      if (missing.length > 0) {
        logger.warn(
          'firewall: %d of the %d iptables rules paqet needs for port %d are missing: the kernel will track and answer every paqet segment with a RST. Run `paqet firewall apply -c %s` or set network.firewall: auto (docs/operations.md)',
          missing.length, plan.families.length * 3, plan.ports[0], config.file,
        );
      }
    } catch (err) {
      logger.warn('firewall: cannot check the iptables rules (%v); see docs/operations.md', err);
    }
    return NOOP;
  }
  // auto: changes are serialised so that a port's removal never overtakes its addition.
  let chain: Promise<unknown> = firewall.remove().then((n) => {
    if (n > 0) logger.info('firewall: removed %d stale rules of an earlier run (%s)', n, plan.tag);
  });
  const enqueue = (what: string, step: () => Promise<unknown>) => {
    chain = chain.then(step).catch((err) => logger.error('firewall: %s failed: %v', what, err));
    return chain;
  };
  await enqueue('apply', async () => {
    if (plan.ports.length === 0) return;
    const added = await firewall.apply(plan.ports);
    logger.info('firewall: %d rules in place for port %d (%s, tag %s)', added, plan.ports[0], plan.families.join('+'), plan.tag);
  });
  return {
    addPort: (port) => void (fixed.has(port) || enqueue(`apply for port ${port}`, () => firewall.apply([port]))),
    removePort: (port) => void (fixed.has(port) || enqueue(`remove for port ${port}`, () => firewall.remove(port))),
    close: async () => {
      await enqueue('remove', async () => {
        const n = await firewall.remove();
        logger.info('firewall: removed %d rules (%s)', n, plan.tag);
      });
    },
  };
}
