import { describe, expect, it } from 'vitest';
import { RecentLog } from './log-buffer.js';
import { redactFields, redactText } from './log-redaction.js';

describe('log redaction', () => {
  it.each([
    ['card read 3105810012345677984 ok', 'card read [number] ok'],
    ['card 3105 8100 1234 5677 984 tapped', 'card [number] tapped'],
    ['callback to 13812345678 requested', 'callback to [number] requested'],
    ['callback to +86 138 1234 5678', 'callback to [number]'],
    ['uid 04EC0042 present', 'uid [hex] present'],
    ['beijing card 10007510ABCDEF12', 'beijing card [hex]'],
    ['szt 293001234 balance', 'szt [number] balance'],
  ])('%s', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it('keeps what a technician needs: ticket ids, times, masked numbers, outbox ids, plain words', () => {
    const line = 'ticket GZ0102-261123-0042-7 at 2026-11-23T08:50:00+08:00 card 3105 **** **** 7984 item 0190a3b2-7c1d-7e00-8000-00000000002a seq 12 paper-out';
    expect(redactText(line)).toBe(line);
  });

  it('drops sensitive fields whole and redacts the others', () => {
    expect(redactFields({ cardNumber: '3105810012345677984', uid: '04EC0042', phone: '13812345678', reader: 'Virtual PCD 00 00', note: 'from 13812345678', apdus: 12 })).toBe(
      'cardNumber=[redacted] uid=[redacted] phone=[redacted] reader=Virtual PCD 00 00 note=from [number] apdus=12',
    );
  });

  it('keeps the last lines only, redacted on the way in, and passes them on to the inner logger whole', () => {
    const seen: string[] = [];
    const log = new RecentLog(() => new Date('2026-11-23T00:00:00Z'), 3);
    const logger = log.tee({ info: (m) => seen.push(m), warn: (m) => seen.push(m), error: (m) => seen.push(m) });
    for (let i = 1; i <= 5; i++) logger.info(`line ${i} card 310581001234567798${i}`);
    logger.error('printer', { code: 'paper-out', phone: '13812345678' });
    expect(log.recent()).toEqual([
      { at: '2026-11-23T00:00:00.000Z', level: 'info', text: 'line 4 card [number]' },
      { at: '2026-11-23T00:00:00.000Z', level: 'info', text: 'line 5 card [number]' },
      { at: '2026-11-23T00:00:00.000Z', level: 'error', text: 'printer code=paper-out phone=[redacted]' },
    ]);
    expect(JSON.stringify(log.recent())).not.toMatch(/13812345678|310581/);
    expect(seen).toHaveLength(6);
  });
});
