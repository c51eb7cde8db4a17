import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  // Internals (the quiche binding's types, session construction) stay out of the .d.ts.
  dts: { compilerOptions: { stripInternal: true } },
  // import.meta.url in the CJS build (the native loader needs it).
  shims: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
