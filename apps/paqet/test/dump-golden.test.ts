/** `dump -r` on the golden captures (fixtures/go-paqet-captures) with the matching config: the decoded streams. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { vectorsDir } from '@paqet/testkit';
import { FIXTURES } from './helpers.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const REQUEST = 'GET /golden.bin HTTP/1.1\\r\\nHost: 10.200.2.2:8000\\r\\nAccept: */*\\r\\nUser-Agent: paqet-golden\\r\\n\\r\\n';

function dumpRead(vector: string, config?: string) {
  const args = [CLI, 'dump', '-r', join(vectorsDir(), `${vector}.pcap`)];
  if (config) args.push('-c', join(FIXTURES, config));
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 20_000, cwd: FIXTURES });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('dump -r on the golden captures', () => {
  it('aes with the matching server config: KCP segments, smux frames, paqet messages and the HTTP request', () => {
    const r = dumpRead('aes', 'vectors-server.yaml');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('smux PSH sid=3 len=8: paqet TCPF ["PA"]');
    expect(r.stdout).toContain('smux PSH sid=9 len=18: paqet TCP 10.200.2.2:8000');
    expect(r.stdout).toMatch(/KCP PUSH conv=0x[0-9a-f]{8} sn=0 /);
    expect(r.stdout).toContain('stream 3 [10.200.1.1:40000 -> 10.200.1.2:9999]: paqet TCPF ["PA"], 0 data bytes, FIN');
    expect(r.stdout).toContain('stream 5 [10.200.1.1:40000 -> 10.200.1.2:9999]: no paqet message (empty stream), 0 data bytes, FIN');
    expect(r.stdout).toContain(`stream 9 [10.200.1.1:40000 -> 10.200.1.2:9999]: paqet TCP 10.200.2.2:8000, 90 data bytes, FIN\n    "${REQUEST}"\n`);
    expect(r.stdout).toContain('stream 9 [10.200.1.2:9999 -> 10.200.1.1:40000]: server data, 3100 data bytes, FIN\n    "HTTP/1.1 200 OK\\r\\n');
    expect(r.stdout).toContain('paqet-golden-0000-abcdefghijklmnopqrstuvwxyzABCDE\\n');
    expect(r.stderr).toMatch(/read 11 packets from .*aes\.pcap, 11 with payload \(decoded with .*vectors-server\.yaml, block aes\)\n$/);
  });

  it('fec-aes with FEC 10/3: parity shards shown, both requests decoded', () => {
    const r = dumpRead('fec-aes', 'vectors-server-fec.yaml');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.match(/FEC parity seqid=\d+/g)?.length).toBe(9);
    expect(r.stdout).toContain(`stream 9 [10.200.1.1:40000 -> 10.200.1.2:9999]: paqet TCP 10.200.2.2:8000, 90 data bytes, FIN\n    "${REQUEST}"\n`);
    expect(r.stdout).toContain('stream 15 [10.200.1.1:40000 -> 10.200.1.2:9999]: paqet TCP 10.200.2.2:8000, 91 data bytes, FIN\n    "GET /bytes/30000 HTTP/1.1\\r\\n');
    expect(r.stdout).toContain('stream 15 [10.200.1.2:9999 -> 10.200.1.1:40000]: server data, 30101 data bytes, FIN');
  });

  it('a wrong key decodes nothing and says why per packet', () => {
    const wrong = dumpRead('aes-128', 'vectors-server.yaml');
    expect(wrong.code).toBe(0);
    expect(wrong.stdout).toContain('not a paqet datagram for this config (crc)');
    expect(wrong.stdout).toContain('=== smux streams (0) ===');
  });

  it('without a config: the ping capture as plain dump blocks', () => {
    const r = dumpRead('ping');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\] Packet: 10\.200\.1\.1:40000 -> 10\.200\.1\.2:9999 \| Length: 4 bytes\n--- PAYLOAD \(HEX DUMP\) ---\n00000000 {2}50 49 4e 47 {39}\|PING\|\n-{26}\n/);
    expect(r.stdout).toContain('|paqet-golden-pin|');
  });
});
