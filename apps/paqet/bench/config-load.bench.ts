/**
 * Config loading against the number of keys: linear (it was quadratic: 20,000
 * unknown keys took ~10 s of CPU, 100,000 did not finish in minutes). Loads a
 * server config plus N unknown top-level keys, with the lab interfaces.
 */
import { bench, describe } from 'vitest';
import { loadConfigText } from '../src/config/index.js';

const SERVER = `role: server
listen: { addr: ":9999" }
network: { interface: pqs0, ipv4: { addr: "10.200.1.2:9999", router_mac: "02:50:51:00:01:01" } }
transport: { protocol: kcp, kcp: { block: "null" } }
`;
const env = {
  platform: 'linux' as const,
  findInterface: (name: string) => ({ name, mac: '02:00:00:00:00:01', addresses: ['10.200.1.2'] }),
  resolveHost: async () => [],
};
const withKeys = (n: number) => SERVER + Array.from({ length: n }, (_, i) => `k${i}: ${i}\n`).join('');

describe('loadConfigText with N unknown keys (block null: no PBKDF2 in the loop)', () => {
  for (const n of [1_000, 10_000, 70_000]) {
    const text = withKeys(n);
    bench(`${n} keys (${(text.length / 1024).toFixed(0)} KiB)`, async () => {
      await loadConfigText(text, 'bench.yaml', env);
    }, { iterations: 3, warmupIterations: 1, time: 0 });
  }
});
