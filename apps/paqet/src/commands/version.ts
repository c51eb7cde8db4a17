import type { Command } from '../cli/command.js';
import { BUILD_INFO, COMPATIBLE_WITH, platformString } from '../version.js';

/** Six lines, labels padded to 12 columns (apps/paqet/README.md); the Go-runtime line names Node instead. */
export function versionText(): string {
  const rows: [string, string][] = [
    ['Version:', `${BUILD_INFO.version} (paqet-ts, compatible with ${COMPATIBLE_WITH})`],
    ['Git Tag:', BUILD_INFO.gitTag],
    ['Git Commit:', BUILD_INFO.gitCommit],
    ['Build Time:', BUILD_INFO.buildTime],
    ['Runtime:', `node ${process.version}`],
    ['Platform:', platformString()],
  ];
  return rows.map(([k, v]) => `${k.padEnd(12)}${v}\n`).join('');
}

export const versionCommand: Command = {
  name: 'version',
  short: 'Prints the version information',
  flags: [],
  async run(ctx) {
    ctx.stdout.write(versionText());
    return 0;
  },
};
