/** `log.format: json`: one JSON object per line, hostile text escaped as in text lines (escapeLogText); text stays the default. */
import { describe, expect, it } from 'vitest';
import { Logger } from '../src/log/logger.js';

function capture(format?: 'text' | 'json') {
  const lines: string[] = [];
  const logger = new Logger('info', { write: (s) => lines.push(...s.split('\n').filter(Boolean)) }, () => new Date('2026-01-02T03:04:05.678Z'));
  if (format) logger.setFormat(format);
  return { logger, lines };
}

describe('log.format', () => {
  it('json: time, level and message per line; the message is the text format\'s, hostile arguments escaped the same way', () => {
    const { logger, lines } = capture('json');
    logger.warn('SOCKS5 request for %s', 'evil\n\u0000host\u202e');
    logger.debug('hidden');
    logger.flush();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({ time: '2026-01-02T03:04:05.678Z', level: 'warn', msg: 'SOCKS5 request for evil\\x0a\\x00host\\u202e' });
    expect(lines[0]).not.toContain('\n');
  });

  it('text is the default and keeps the Go line format', () => {
    const { logger, lines } = capture();
    logger.info('hello %d', 5);
    logger.flush();
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \[INFO\] hello 5$/);
  });
});
