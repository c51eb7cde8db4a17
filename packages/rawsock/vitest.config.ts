import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared';

// Lab test files each start namespaces and blast packets; run them one at a time so they
// do not starve each other's capture loops on a small machine.
export default mergeConfig(sharedConfig, defineConfig({ test: { fileParallelism: false } }));
