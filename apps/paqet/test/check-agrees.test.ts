/**
 * `run --check` and `run` give the same verdict on every config in the repository:
 * both commands are run in process on each fixture and example, `run` with a start
 * hook that records it was reached and returns before any I/O. --check accepts
 * exactly the files run would start with, and both print the same warnings/errors.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from './helpers.js';
import { runInProcess } from './run-in-process.js';

const EXAMPLES = join(FIXTURES, '../../../../examples');
const yamlIn = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => join(dir, f));
const FILES = [...yamlIn(FIXTURES), ...yamlIn(join(FIXTURES, 'broken')), ...yamlIn(join(FIXTURES, 'runnable')), ...yamlIn(EXAMPLES)];

describe('run --check and run agree', () => {
  it('covers every fixture and example', () => {
    expect(FILES.length).toBeGreaterThan(30);
  });

  it.each(FILES.map((f) => [f.slice(f.indexOf('/test/') + 1).replace(/^.*examples\//, 'examples/'), f]))('%s', async (_, file) => {
    const check = await runInProcess(file, true);
    const run = await runInProcess(file, false);
    expect(check.started).toBeNull();
    // Accepted by --check exactly when run reaches the start (before any I/O), with the same output.
    expect(check.code === 0).toBe(run.started !== null);
    expect(run.code).toBe(check.code);
    expect(run.err).toBe(check.err);
    expect(run.out).toBe(check.out);
  });
});
