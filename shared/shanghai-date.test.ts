import { describe, expect, it } from 'vitest';
import { beijingTime, shanghaiDate } from './shanghai-date.js';

describe('Beijing time', () => {
  it('reads an instant to the minute in UTC+8, across midnight and the year, from ISO text or epoch ms', () => {
    expect(beijingTime('2026-12-31T16:30:59Z')).toBe('2027-01-01 00:30');
    expect(beijingTime('2026-12-01T09:30:00+08:00')).toBe('2026-12-01 09:30');
    expect(beijingTime(Date.parse('2026-06-01T04:05:00Z'))).toBe('2026-06-01 12:05');
    expect(shanghaiDate(Date.parse('2026-12-31T16:30:00Z'))).toBe('2027-01-01');
  });

  it('says “—” for no time or one it cannot read, never “Invalid Date”', () => {
    for (const none of [null, undefined, '', 'yesterday', Number.NaN]) expect(beijingTime(none)).toBe('—');
  });
});
