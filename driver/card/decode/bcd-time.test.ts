import { describe, expect, it } from 'vitest';
import { fromHex } from '../bytes.js';
import { decodeBcdDate, decodeBcdTime } from './bcd-time.js';

describe('BCD dates and times', () => {
  it('decodes a date and a time in +08:00', () => {
    expect(decodeBcdDate(fromHex('20240229'), 0)).toEqual({ kind: 'date', value: '2024-02-29' });
    expect(decodeBcdTime(fromHex('20241231235959'), 0)).toBe('2024-12-31T23:59:59+08:00');
  });

  it('refuses non-BCD nibbles and impossible dates', () => {
    expect(decodeBcdDate(fromHex('2023022A'), 0)).toEqual({ kind: 'invalid' });
    expect(decodeBcdDate(fromHex('20230229'), 0)).toEqual({ kind: 'invalid' });
    expect(decodeBcdDate(fromHex('20231301'), 0)).toEqual({ kind: 'invalid' });
    expect(decodeBcdTime(fromHex('20240101246000'), 0)).toBeNull();
    expect(decodeBcdDate(fromHex('2024'), 0)).toEqual({ kind: 'invalid' });
  });

  it('treats all-zero and all-FF as no date', () => {
    expect(decodeBcdDate(fromHex('00000000'), 0)).toEqual({ kind: 'empty' });
    expect(decodeBcdDate(fromHex('FFFFFFFF'), 0)).toEqual({ kind: 'empty' });
    expect(decodeBcdTime(fromHex('00000000000000'), 0)).toBeNull();
  });
});
