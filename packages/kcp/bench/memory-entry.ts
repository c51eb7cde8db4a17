// Bundle entry for memory-cpu.mjs: the package plus the testkit memory link.
export * from '../src/index.js';
export { createMemoryLinkPair } from '@paqet/testkit';
