import { fileURLToPath } from 'node:url';
import type { LoadOptions } from '../src/config/index.js';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/**
 * The interfaces of a made-up host that has every address the fixture configs use
 * (the Go examples' placeholders on eth0/en0, the lab's on pqc0/pqs0).
 */
export const OFFLINE_INTERFACES: Readonly<Record<string, readonly string[]>> = {
  eth0: ['192.168.1.100', '203.0.113.10', '10.0.0.100', '10.0.0.1', '10.0.0.2', '::1', '2001:db8::1'],
  en0: ['192.168.1.100', '2001:db8::1'],
  pqc0: ['10.200.1.1', 'fd00:200:1::1'],
  pqs0: ['10.200.1.2', 'fd00:200:1::2'],
};

/** Interfaces of the example configs and the lab; no DNS (names below are fixed). */
export const offlineEnv: LoadOptions = {
  platform: 'linux',
  findRoute: null,
  findInterface: (name) => {
    const addresses = OFFLINE_INTERFACES[name];
    return addresses ? { name, mac: '02:00:00:00:00:01', addresses } : { error: 'route ip+net: no such network interface' };
  },
  resolveHost: async (host) => {
    if (host === 'localhost') return [{ address: '::1', family: 6 }, { address: '127.0.0.1', family: 4 }];
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  },
};
