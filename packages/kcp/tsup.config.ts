import { defineConfig } from 'tsup';

export default defineConfig({
  // The root export and one entry per subpath export (package.json "exports").
  entry: {
    index: 'src/index.ts',
    core: 'src/core/index.ts',
    crypto: 'src/crypto/index.ts',
    fec: 'src/fec/index.ts',
    smux: 'src/smux/index.ts',
    udp: 'src/udp/index.ts',
  },
  format: ['esm', 'cjs'],
  // Shared chunks in both formats, so a class is the same class from every entry point.
  splitting: true,
  // `@internal` members never reach the published .d.ts.
  dts: { compilerOptions: { stripInternal: true } },
  sourcemap: true,
  clean: true,
  target: 'node20',
});
