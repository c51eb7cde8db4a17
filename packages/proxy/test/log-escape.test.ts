// Untrusted text in log lines: the escaping rules, and a real SOCKS5 request whose
// domain carries NUL, an ANSI colour sequence and a newline reaching the logger hooks
// only escaped, on every line that names it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectDialer, Socks5Server, escapeLogText, escapingLogger, silentLogger, type Logger } from '@paqet/proxy';
import { RawClient, eventually } from './helpers.js';

describe('escapeLogText', () => {
  it.each([
    ['example.com', 'example.com'],
    ['\x00\x1b[31m\n', '\\x00\\x1b[31m\\x0a'],
    ['tab\there\r', 'tab\\x09here\\x0d'],
    ['del\x7f c1\x85 \x9b', 'del\\x7f c1\\x85 \\x9b'],
    ['back\\slash \\x41', 'back\\\\slash \\\\x41'],
    ['line\u2028para\u2029', 'line\\u2028para\\u2029'],
    ['bidi \u202egnp.exe \u2066x\u2069 \u200f', 'bidi \\u202egnp.exe \\u2066x\\u2069 \\u200f'],
    ['lone \ud800 and \udc00 but 😀 stays', 'lone \\ud800 and \\udc00 but 😀 stays'],
    ['bücher.example, 例え.jp', 'bücher.example, 例え.jp'],
  ])('%j -> %j', (input, output) => {
    expect(escapeLogText(input)).toBe(output);
  });

  it('returns the same string when there is nothing to escape, and wraps a logger once', () => {
    const s = 'accepted TCP connection 127.0.0.1:5 -> example.com:443';
    expect(escapeLogText(s)).toBe(s);
    const lines: string[] = [];
    const sink: Logger = { debug: (m) => lines.push(m), info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
    const once = escapingLogger(sink);
    expect(escapingLogger(once)).toBe(once);
    expect(escapingLogger(silentLogger)).toBe(silentLogger);
    once.warn('a\\b\n');
    expect(lines).toEqual(['a\\\\b\\x0a']);
  });
});

describe('a hostile SOCKS5 domain reaches the logger hooks escaped', () => {
  const HOSTILE = '\x00\x1b[31m\n';
  const lines: string[] = [];
  const logger: Logger = {
    debug: (m) => lines.push(`DEBUG ${m}`),
    info: (m) => lines.push(`INFO ${m}`),
    warn: (m) => lines.push(`WARN ${m}`),
    error: (m) => lines.push(`ERROR ${m}`),
  };
  let server: Socks5Server;
  let port: number;

  beforeAll(async () => {
    server = new Socks5Server({ listen: '127.0.0.1:0', dialer: new DirectDialer({ timeoutMs: 2000 }), logger, limits: { lingerMs: 200 } });
    port = (await server.listen()).port;
  });

  afterAll(() => server.close());

  it('CONNECT to "\\x00\\x1b[31m\\n":80 is refused, and every line naming it is escaped', async () => {
    const client = await RawClient.open(port);
    client.write([5, 1, 0]);
    expect([...(await client.read(2))]).toEqual([5, 0]);
    const name = Buffer.from(HOSTILE);
    client.write([5, 1, 0, 3, name.length, ...name, 0, 80]);
    const reply = await client.read(10, 5000);
    expect(reply[0]).toBe(5);
    expect(reply[1]).not.toBe(0);
    await client.waitClosed(3000);
    client.destroy();
    expect(await eventually(() => lines.some((l) => l.startsWith('ERROR ')), 5000)).toBe(true);
    const naming = lines.filter((l) => l.includes('\\x00\\x1b[31m\\x0a:80'));
    expect(naming.map((l) => l.split(' ')[0])).toEqual(['DEBUG', 'ERROR']);
    expect(naming[1]).toMatch(/^ERROR SOCKS5 failed to connect 127\.0\.0\.1:\d+ -> \\x00\\x1b\[31m\\x0a:80: dial \\x00\\x1b\[31m\\x0a:80: /);
    for (const line of lines) expect(line).not.toMatch(/[\x00-\x1f\x7f]/);
  });
});
