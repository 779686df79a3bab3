/**
 * The insight page's dates as people read and type them, in the page's language rather than the
 * browser's: every day written by `dayWords` in zh and en reads back as the same day, digits
 * too, and what is no real day is refused (the page then says so and keeps its filter).
 */
import { describe, expect, it } from 'vitest';
import { daysBetween, dayWords, parseDayWords } from '../../shared/insight-words.js';
import { shanghaiDate } from '../../shared/shanghai-date.js';

describe('days typed on the insight page', () => {
  it('reads back every day of a leap year and the next, as written in zh and in en, with and without the weekday', () => {
    const days = daysBetween('2028-01-01', '2029-12-31');
    expect(days).toHaveLength(731);
    for (const day of days) {
      for (const lang of ['zh', 'en'] as const) {
        expect(parseDayWords(dayWords(day, lang, { year: true })), `${day} ${lang}`).toBe(day);
        expect(parseDayWords(dayWords(day, lang, { year: true, weekday: true })), `${day} ${lang} weekday`).toBe(day);
      }
    }
  });

  it('shows the page language whatever the browser would: 2026年12月1日 in zh, 1 Dec 2026 in en', () => {
    expect(dayWords('2026-12-01', 'zh', { year: true })).toBe('2026年12月1日');
    expect(dayWords('2026-12-01', 'en', { year: true })).toBe('1 Dec 2026');
  });

  it('takes the forms people type', () => {
    for (const text of ['2026-12-01', '2026/12/1', '2026.12.01', '2026年12月1日', '2026 年 12 月 1 日', '2026年12月1日 周二', '1 Dec 2026', '1 december 2026', 'Dec 1, 2026', 'December 1 2026', 'Tue 1 Dec 2026', '  1 DEC 2026 ']) {
      expect(parseDayWords(text), text).toBe('2026-12-01');
    }
  });

  it('refuses what is no real day of 2000–2099', () => {
    for (const text of ['', 'tomorrow', '2026-02-29', '2028年2月30日', '31 Apr 2026', '1 Foo 2026', '1 De 2026', '1999-12-31', '2100-01-01', '12/01/2026', '2026-13-01', '0 Dec 2026', '20261201']) {
      expect(parseDayWords(text), text).toBeNull();
    }
    expect(parseDayWords('2028-02-29')).toBe('2028-02-29');
  });

  it('is a Beijing day: 2026-11-30 17:30 UTC is already 1 December in Beijing', () => {
    expect(dayWords(shanghaiDate(new Date('2026-11-30T17:30:00Z')), 'zh', { year: true })).toBe('2026年12月1日');
    expect(dayWords(shanghaiDate(new Date('2026-11-30T15:59:00Z')), 'en', { year: true })).toBe('30 Nov 2026');
  });
});
