/** Build information; tsup injects __PAQET_BUILD__ (tsup.config.ts), source runs fall back to defaults. */
declare const __PAQET_BUILD__: { version: string; gitTag: string; gitCommit: string; buildTime: string } | undefined;

/** The Go release this implementation is wire- and config-compatible with. */
export const COMPATIBLE_WITH = 'v1.0.0-alpha.21';

export interface BuildInfo {
  readonly version: string;
  readonly gitTag: string;
  readonly gitCommit: string;
  readonly buildTime: string;
}

export const BUILD_INFO: BuildInfo =
  typeof __PAQET_BUILD__ !== 'undefined'
    ? __PAQET_BUILD__
    : { version: 'dev', gitTag: 'unknown', gitCommit: 'unknown', buildTime: 'unknown' };

/** Go's GOOS/GOARCH spelling, so scripts that parse `Platform:` keep working. */
export function platformString(): string {
  const arch: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm' };
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  return `${os}/${arch[process.arch] ?? process.arch}`;
}
