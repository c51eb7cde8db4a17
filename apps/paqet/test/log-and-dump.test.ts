import { describe, expect, it } from 'vitest';
import { parseFlags } from '../src/cli/parse.js';
import { configFlag } from '../src/cli/command.js';
import { dumpBlock, hexDump } from '../src/dump/hexdump.js';
import { proxyLogger } from '../src/daemon/proxy-logger.js';
import { Logger } from '../src/log/logger.js';
import { RateLimitedLog } from '../src/log/rate-limit.js';
import { createStdLog } from '../src/log/stdlog.js';

const at = new Date(2026, 7, 22, 12, 0, 3, 45);

function capture() {
  const lines: string[] = [];
  return { sink: { write: (s: string) => void lines.push(s) }, lines };
}

describe('paqet logger (cli.md 7)', () => {
  it('formats lines and filters by level', () => {
    const { sink, lines } = capture();
    const log = new Logger('warn', sink, () => at);
    log.info('hidden');
    log.warn('accepted TCP stream %d: %s -> %s', 9, '1.2.3.4:5', 'example.com:443');
    log.error('failed: %v', new Error('boom'));
    log.flush();
    expect(lines.join('')).toBe(
      '2026-08-22 12:00:03.045 [WARN] accepted TCP stream 9: 1.2.3.4:5 -> example.com:443\n2026-08-22 12:00:03.045 [ERROR] failed: boom\n',
    );
  });

  it('none prints nothing; teardown noise is dropped unless debug', () => {
    const { sink, lines } = capture();
    const none = new Logger('none', sink, () => at);
    none.error('x');
    const info = new Logger('info', sink, () => at);
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    info.error('stream failed: %v', reset);
    info.error('wrapped: %v', new Error('outer', { cause: new Error('EOF') }));
    const debug = new Logger('debug', sink, () => at);
    debug.error('stream failed: %v', reset);
    none.flush(); info.flush(); debug.flush();
    expect(lines).toEqual(['2026-08-22 12:00:03.045 [ERROR] stream failed: read ECONNRESET\n']);
  });

  it('drops lines beyond a 1024-line queue instead of blocking', () => {
    const { sink, lines } = capture();
    const log = new Logger('info', sink, () => at);
    for (let i = 0; i < 1100; i++) log.info('line %d', i);
    log.flush();
    expect(lines.join('').split('\n').length - 1).toBe(1024);
    expect(log.dropped).toBe(76);
  });

  it('escapes every string and error argument (one helper: escapeLogText); @paqet/proxy lines arrive escaped and stay as they are', () => {
    const { sink, lines } = capture();
    const log = new Logger('info', sink, () => at);
    log.info('accepted TCP stream %d: %s -> %s', 9, '1.2.3.4:5', '\x00\x1b[31m\n:80');
    log.error('failed: %v', new Error('lookup a\\b\u202e\ud800: no such host'));
    proxyLogger(log).info('SOCKS5 accepted TCP connection 127.0.0.1:5 -> \\x00:80');
    log.flush();
    expect(lines.join('')).toBe(
      '2026-08-22 12:00:03.045 [INFO] accepted TCP stream 9: 1.2.3.4:5 -> \\x00\\x1b[31m\\x0a:80\n' +
        '2026-08-22 12:00:03.045 [ERROR] failed: lookup a\\\\b\\u202e\\ud800: no such host\n' +
        '2026-08-22 12:00:03.045 [INFO] SOCKS5 accepted TCP connection 127.0.0.1:5 -> \\x00:80\n',
    );
  });

  it('standard logger prefix is YYYY/MM/DD HH:MM:SS', () => {
    const { sink, lines } = capture();
    createStdLog(sink, () => at).print('packet sent successfully');
    expect(lines).toEqual(['2026/08/22 12:00:03 packet sent successfully\n']);
  });
});

describe('dump output (cli.md 4)', () => {
  it('PING block', () => {
    expect(dumpBlock(at, '198.51.100.7:40211', ':9999', new TextEncoder().encode('PING'))).toBe(
      '[12:00:03.045] Packet: 198.51.100.7:40211 -> :9999 | Length: 4 bytes\n' +
        '--- PAYLOAD (HEX DUMP) ---\n' +
        '00000000  50 49 4e 47                                       |PING|\n' +
        '--------------------------\n',
    );
  });

  it('full and partial rows', () => {
    const bytes = Uint8Array.from({ length: 18 }, (_, i) => 0x3f + i);
    expect(hexDump(bytes)).toBe(
      '00000000  3f 40 41 42 43 44 45 46  47 48 49 4a 4b 4c 4d 4e  |?@ABCDEFGHIJKLMN|\n' +
        '00000010  4f 50                                             |OP|\n',
    );
  });
});

describe('flag parsing (cobra rules)', () => {
  const specs = [configFlag, { name: 'check', kind: 'boolean' as const, help: '' }];
  it('accepts every spelling and ignores positionals', () => {
    for (const argv of [['-c', 'a.yaml'], ['-ca.yaml'], ['-c=a.yaml'], ['--config', 'a.yaml'], ['--config=a.yaml', 'extra']]) {
      const r = parseFlags(argv, specs);
      expect(r.ok && r.flags.config).toBe('a.yaml');
    }
    const r = parseFlags(['--check'], specs);
    expect(r.ok && r.flags).toEqual({ config: 'config.yaml', check: 'true' });
  });
  it('errors', () => {
    expect(parseFlags(['-c'], specs)).toEqual({ ok: false, error: "flag needs an argument: 'c' in -c" });
    expect(parseFlags(['--nope'], specs)).toEqual({ ok: false, error: 'unknown flag: --nope' });
  });
});

describe('rate-limited log lines', () => {
  it('at most max per window; the rest are counted in one line when the next window opens or on flush', () => {
    const { sink, lines } = capture();
    const log = new Logger('info', sink, () => at);
    let t = 0;
    const limited = new RateLimitedLog(log, 'denied streams', { max: 3, windowMs: 10_000, now: () => t });
    for (let i = 0; i < 10; i++) limited.warn('denied TCP stream %d', i);
    t = 10_000;
    limited.warn('denied TCP stream %d', 10);
    for (let i = 11; i < 15; i++) limited.warn('denied TCP stream %d', i);
    limited.flush();
    log.flush();
    expect(lines.join('').replace(/^.*\[WARN\] /gm, '')).toBe(
      ['denied TCP stream 0', 'denied TCP stream 1', 'denied TCP stream 2', '… 7 more denied streams not logged (at most 3 per 10 s)',
        'denied TCP stream 10', 'denied TCP stream 11', 'denied TCP stream 12', '… 2 more denied streams not logged (at most 3 per 10 s)', ''].join('\n'),
    );
  });
});
