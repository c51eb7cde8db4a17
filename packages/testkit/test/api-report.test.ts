/**
 * The public surface of each published library (its built .d.ts, every export entry) must
 * match the committed report in api/<package>.api.md, so an API change shows in review.
 * After an intended change: pnpm build && node scripts/api-report.mjs, and commit the reports.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain .mjs script without types
import { LIBRARIES, renderApiReport, reportPath } from '../../../scripts/api-report.mjs';

describe('API reports', () => {
  it.each(LIBRARIES as string[])('@paqet/%s matches its committed api/*.api.md', (name) => {
    const committed = readFileSync(reportPath(name) as string, 'utf8');
    expect(renderApiReport(name)).toBe(committed);
  });
});
