import { fileURLToPath } from 'node:url';
import type { LoadOptions } from '../src/config/index.js';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** Interfaces of the example configs and the lab; no DNS (names below are fixed). */
export const offlineEnv: LoadOptions = {
  platform: 'linux',
  findRoute: null,
  findInterface: (name) =>
    ['eth0', 'en0', 'pqc0', 'pqs0'].includes(name)
      ? { name, mac: '02:00:00:00:00:01' }
      : { error: 'route ip+net: no such network interface' },
  resolveHost: async (host) => {
    if (host === 'localhost') return [{ address: '::1', family: 6 }, { address: '127.0.0.1', family: 4 }];
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  },
};
