import { describe, expect, it } from 'vitest';
import { PHONE_PATTERN } from '../../../shared/ticket.js';
import { groupPhone, phoneHint } from './report.js';

describe('mobile number entry', () => {
  it('groups digits 3-4-4 as they are read aloud', () => {
    expect(groupPhone('13800138000')).toBe('138 0013 8000');
    expect(groupPhone('1380')).toBe('138 0');
    expect(groupPhone('')).toBe('');
  });

  it('says what is wrong while typing, and nothing once the number is a mainland mobile number', () => {
    expect(phoneHint('')).toBeNull();
    expect(phoneHint('2')).toBe('phone.hint-first');
    expect(phoneHint('12')).toBe('phone.hint-second');
    expect(phoneHint('138')).toBe('phone.hint-length');
    expect(phoneHint('13800138000')).toBeNull();
    expect(PHONE_PATTERN.test('13800138000')).toBe(true);
  });
});
