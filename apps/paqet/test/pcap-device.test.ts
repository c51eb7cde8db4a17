/** network.guid reaches the pcap layer on Windows (Npcap device name); elsewhere the interface name is opened. */
import { describe, expect, it } from 'vitest';
import { pcapDeviceName } from '../src/transport/packet-conn.js';

describe('pcapDeviceName', () => {
  const network = { interface: 'Ethernet', guid: '\\Device\\NPF_{1A2B3C4D-0000-1111-2222-333344445555}' };
  it('opens the Npcap device on Windows', () => expect(pcapDeviceName(network, 'win32')).toBe(network.guid));
  it('opens the interface on Linux and macOS', () => {
    expect(pcapDeviceName(network, 'linux')).toBe('Ethernet');
    expect(pcapDeviceName(network, 'darwin')).toBe('Ethernet');
  });
});
