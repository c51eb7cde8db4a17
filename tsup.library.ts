// The build every published library shares: ESM + CJS + .d.ts, one entry per package.json export.
import { defineConfig, type Options } from 'tsup';

export function libraryConfig(entry: Record<string, string>, extra: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    // Shared chunks in both formats, so a class is the same class from every entry point.
    splitting: true,
    // `@internal` declarations never reach the published .d.ts.
    dts: { compilerOptions: { stripInternal: true } },
    sourcemap: true,
    clean: true,
    target: 'node20',
    ...extra,
  });
}
