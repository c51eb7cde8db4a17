/**
 * One lab per test file, with a conn agent in the client and the server namespace.
 * Without root/netns the fixture throws: in CI (CI=true) that fails the file; locally
 * the lab-dependent tests are skipped with the reason (see `labSkipReason`).
 */
import { labUnavailableReason, startLab, type Lab } from '@paqet/testkit';
import type { RawSocketOptions } from '@paqet/rawsock';
import { NamespaceAgent } from './remote-conn.js';

/** Non-null when lab tests must be skipped (never in CI: there a missing lab is a failure). */
export const labSkipReason: string | null = process.env.CI ? null : labUnavailableReason();

export interface LabFixture {
  lab: Lab;
  client: NamespaceAgent;
  server: NamespaceAgent;
  /** Options for a client-side conn on `port` talking to the server over IPv4/IPv6. */
  clientOptions(port: number, extra?: Partial<RawSocketOptions>): RawSocketOptions;
  serverOptions(port: number, extra?: Partial<RawSocketOptions>): RawSocketOptions;
  stop(): Promise<void>;
}

export async function startLabFixture(tag: string): Promise<LabFixture> {
  const lab = await startLab(`rs${tag}${process.pid}`);
  try {
    // Tests use ports in 32768..65535 on both ends; the client side already has rules for that range.
    await lab.addPortRules('server', '32768:65535');
  } catch (err) {
    await lab.stop();
    throw err;
  }
  const client = new NamespaceAgent(lab, 'client');
  const server = new NamespaceAgent(lab, 'server');
  const family = (host: 'client' | 'server', port: number) => {
    const h = lab[host];
    return {
      interface: h.link.interface,
      ipv4: { addr: h.link.ipv4, port, routerMac: h.peerMac },
      ipv6: { addr: h.link.ipv6!, port, routerMac: h.peerMac },
    };
  };
  return {
    lab,
    client,
    server,
    // Tests inject bursts with no flow control; the ring holds only about sockbuf / 64 KiB
    // frames (see README, "Receive ring"), so they use 64 MiB.
    clientOptions: (port, extra = {}) => ({ ...family('client', port), sockbuf: 64 << 20, ...extra }),
    serverOptions: (port, extra = {}) => ({ ...family('server', port), sockbuf: 64 << 20, ...extra }),
    async stop() {
      client.stop();
      server.stop();
      await lab.stop();
    },
  };
}
