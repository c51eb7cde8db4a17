import type { Command } from '../cli/command.js';
import { dumpCommand } from './dump.js';
import { firewallCommand } from './firewall.js';
import { ifaceCommand } from './iface.js';
import { pingCommand } from './ping.js';
import { runCommand } from './run.js';
import { secretCommand } from './secret.js';
import { versionCommand } from './version.js';

export const COMMANDS: readonly Command[] = [dumpCommand, firewallCommand, ifaceCommand, pingCommand, runCommand, secretCommand, versionCommand];
