/**
 * Config loading against the number of keys: linear. It was quadratic (a linear
 * search per located key, and the YAML library's duplicate-key check): `run --check`
 * took 2.9 / 12.1 / 42.5 s of CPU for 10,000 / 20,000 / 40,000 unknown keys and did
 * not finish 70,000 in 86 s of CPU; now 1.0 / 1.3 / 1.8 / 2.3 s (node start-up and
 * PBKDF2 included). Loads a server config plus N unknown top-level keys.
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
