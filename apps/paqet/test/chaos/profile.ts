/**
 * How hard the chaos tests push: the short profile runs inside `pnpm test` (about a minute
 * and a half on 2 cores), the long one under `pnpm test:chaos` (scripts/chaos.sh sets
 * PAQET_CHAOS=long). PAQET_CHAOS_SEED reproduces a run; every file logs the seed it used.
 */
import { describe } from 'vitest';
import { labUnavailableReason } from '@paqet/testkit';

export const LONG = process.env.PAQET_CHAOS === 'long';
export const SEED = Number(process.env.PAQET_CHAOS_SEED ?? 0x5eed) >>> 0;
/** Minutes of soak (`pnpm test:chaos --minutes N`); 0 outside the soak run. */
export const SOAK_MINUTES = Number(process.env.PAQET_CHAOS_SOAK_MINUTES ?? 0);

/** `short` inside `pnpm test`, `long` under `pnpm test:chaos`. */
export function scale<T>(short: T, long: T): T {
  return LONG ? long : short;
}

const unavailable = labUnavailableReason();
if (unavailable && process.env.CI === 'true') throw new Error(`chaos lab required in CI: ${unavailable}`);
/** describe for tests that need the namespace lab (root); in CI a missing capability fails. */
export const describeLab: ReturnType<typeof describe.skipIf> = describe.skipIf(unavailable !== null);

/** One line per measured number, greppable in the test output ("chaos: ..."). */
export function report(line: string): void {
  console.log(`chaos: ${line}`);
}
