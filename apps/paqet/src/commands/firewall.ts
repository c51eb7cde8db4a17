/**
 * `paqet firewall apply|remove|status -c FILE`: the host rules a config needs
 * (docs/operations.md), tagged with the config so removal is exact and idempotent.
 */
import type { Command } from '../cli/command.js';
import { configFlag } from '../cli/command.js';
import { FirewallError } from '../firewall/iptables.js';
import { firewallFor, firewallPlan } from '../firewall/plan.js';
import { loadForCommand } from './load-for-command.js';

const ACTIONS = ['apply', 'remove', 'status'] as const;

export const firewallCommand: Command = {
  name: 'firewall',
  short: 'Adds, removes or shows the iptables rules a configuration needs',
  long:
    'firewall apply|remove|status -c FILE\n\n' +
    'apply: adds the NOTRACK and RST-drop rules for the configured port (IPv4 and/or IPv6), tagged with the config file.\n' +
    'remove: deletes every rule carrying that tag (and nothing else).\n' +
    'status: lists each needed rule as ours, hand-made, or missing; exits 1 when any is missing.\n' +
    'PAQET_IPTABLES=legacy|nft picks the iptables backend (default: the host\'s iptables).',
  flags: [configFlag],
  async run(ctx) {
    const action = ctx.positionals[0];
    if (!ACTIONS.includes(action as (typeof ACTIONS)[number])) {
      ctx.stderr.write(`usage: paqet firewall ${ACTIONS.join('|')} -c FILE\n`);
      return 1;
    }
    const loaded = await loadForCommand(ctx);
    if (!loaded) return 1;
    const plan = firewallPlan(loaded.config);
    const firewall = firewallFor(loaded.config);
    try {
      if (action === 'remove') {
        ctx.stdout.write(`removed ${await firewall.remove()} rules tagged ${plan.tag}\n`);
        return 0;
      }
      if (plan.ports.length === 0) {
        ctx.stdout.write('this client uses a random port per connection: `network.firewall: auto` adds and removes rules for each one at run time\n');
        return 0;
      }
      if (action === 'apply') {
        const added = await firewall.apply(plan.ports);
        ctx.stdout.write(`added ${added} rules tagged ${plan.tag} for port ${plan.ports.join(', ')} (${plan.families.join(', ')})\n`);
        return 0;
      }
      const states = await firewall.status(plan.ports);
      for (const s of states) {
        ctx.stdout.write(`${s.state.padEnd(8)} ${firewall.tool(s.family)} -t ${s.rule.table} ${s.rule.chain} ${s.rule.spec.join(' ')}\n`);
      }
      return states.some((s) => s.state === 'missing') ? 1 : 0;
    } catch (err) {
      if (err instanceof FirewallError) ctx.stdlog.print(`firewall: ${err.message} (${err.action})`);
      else throw err;
      return 1;
    }
  },
};
