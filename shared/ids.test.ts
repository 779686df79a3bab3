import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { UUID_PATTERN, uuidv7 } from './ids.js';
import { makeTicketId, parseTicketId } from './ticket.js';
import { maskCardNumber } from './card.js';

describe('uuidv7', () => {
  it('is a version 7 UUID whose first 48 bits are the time', () => {
    const id = uuidv7(0x0190_1234_5678);
    expect(id).toMatch(UUID_PATTERN);
    expect(id.slice(0, 13)).toBe('01901234-5678');
    expect(id[14]).toBe('7');
  });
  it('sorts by creation time', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 47 }), fc.integer({ min: 1, max: 2 ** 20 }), (t, d) => uuidv7(t) < uuidv7(t + d)));
  });
});

describe('ticket ids', () => {
  it('round-trips and carries kiosk, date and counter', () => {
    const id = makeTicketId('GZ0102', '2026-11-23', 42);
    expect(id).toMatch(/^GZ0102-261123-0042-\d$/);
    expect(parseTicketId(id)).toBe(id);
    expect(parseTicketId(` ${id.toLowerCase()} `)).toBe(id);
    expect(parseTicketId(`http://127.0.0.1:8080/t/${id}`)).toBe(id);
  });
  it('catches any single mistyped digit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 7, max: 17 }), fc.integer({ min: 1, max: 9 }), (n, pos, delta) => {
        const id = makeTicketId('GZ0102', '2026-11-23', n);
        const ch = id[pos]!;
        if (!/\d/.test(ch)) return true;
        const typo = id.slice(0, pos) + String((Number(ch) + delta) % 10) + id.slice(pos + 1);
        return parseTicketId(typo) === null;
      }),
    );
  });
  it('refuses what is not an id', () => {
    for (const s of ['', 'hello', "GZ01-261123-0001-1'; drop table", 'GZ0102-2611-0042-7']) expect(parseTicketId(s)).toBeNull();
  });
});

describe('maskCardNumber', () => {
  it('shows first and last four only', () => {
    expect(maskCardNumber('3105123456789017984')).toBe('3105 **** **** 7984');
    expect(maskCardNumber('12345678')).toBe('**** 5678');
  });
});
