import { describe, expect, it } from 'vitest';
import { formatClock, formatDateTime } from './format.js';

describe('Beijing-time formatting', () => {
  it('shows a UTC instant as the date and time in Beijing, with seconds when asked (technician log)', () => {
    expect(formatDateTime('zh', '2026-11-30T19:04:05.000Z', { seconds: true })).toBe('2026年12月1日 03:04:05');
    expect(formatDateTime('en', '2026-11-30T19:04:05.000Z', { seconds: true })).toBe('1 Dec 2026 03:04:05');
    expect(formatDateTime('en', '2026-11-30T19:04:05.000Z')).toBe('1 Dec 2026 03:04');
    expect(formatClock('2026-11-30T19:04:05.000Z')).toBe('03:04');
  });

  it('says the time is unknown instead of showing a bad value', () => {
    expect(formatDateTime('zh', 'not a time', { seconds: true })).toBe('时间不明');
    expect(formatClock(null, { seconds: true })).toBe('--:--');
  });
});
