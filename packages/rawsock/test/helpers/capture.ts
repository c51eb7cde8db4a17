/** tcpdump inside a lab namespace, written to a pcap file and parsed with @paqet/wire. */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { parsePcapFile, type PcapRecord } from '@paqet/wire/pcap';
import type { Lab, LabHostName } from '@paqet/testkit';

export class NamespaceCapture {
  private readonly file: string;
  private readonly child: ChildProcess;
  private readonly started: Promise<void>;
  /** tcpdump's stderr (its summary lines help when a capture comes back short). */
  stderr = '';

  constructor(lab: Lab, host: LabHostName, iface: string, filter: string) {
    this.file = join(tmpdir(), `rawsock-${process.pid}-${host}-${Date.now()}-${Math.random().toString(36).slice(2)}.pcap`);
    this.child = lab.spawn(host, ['tcpdump', '--immediate-mode', '-i', iface, '-s', '0', '-U', '-n', '-w', this.file, filter], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.started = new Promise((resolve, reject) => {
      this.child.stderr!.on('data', (chunk: Buffer) => {
        this.stderr += chunk.toString();
        if (this.stderr.includes('listening on')) resolve();
      });
      this.child.once('exit', (code) => reject(new Error(`tcpdump exited (${code}): ${this.stderr}`)));
    });
  }

  ready(): Promise<void> {
    return this.started;
  }

  /** Stops tcpdump (it flushes on SIGINT) and returns the captured frames. */
  async stop(): Promise<PcapRecord[]> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGINT');
    await exited;
    const records = parsePcapFile(new Uint8Array(readFileSync(this.file))).records;
    rmSync(this.file, { force: true });
    return records;
  }
}
