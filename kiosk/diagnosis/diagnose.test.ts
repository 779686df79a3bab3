import { describe, expect, it } from 'vitest';
import type { CardSnapshot, CardTrip } from '../../shared/card.js';
import { diagnose, type DiagnoseContext } from './diagnose.js';
import { shanghaiDate } from '../../shared/shanghai-date.js';

const trip = (kind: CardTrip['kind'], time: string): CardTrip => ({
  kind,
  mode: 'metro',
  amount: kind === 'exit' ? 400 : 0,
  balanceAfter: 3000,
  time,
  cityCode: '5810',
  line: 0x0102,
  stationNumber: 0x0304,
  station: '01020304050607',
  terminal: '1122334455667788',
  institution: '01015810FFFFFFFF',
});

const card: CardSnapshot = {
  family: 't-union',
  cardNumber: '3105810100012347984',
  cityCode: '5810',
  validFrom: '2021-03-15',
  validUntil: '2031-03-14',
  balance: 3000,
  currency: 'CNY',
  balanceSlots: { slot0: 3000, slot1: null },
  holderType: 'normal',
  uidHash: null,
  aid: 'A000000632010105',
  transactions: [],
  trips: [trip('exit', '2026-05-03T08:40:00+08:00'), trip('entry', '2026-05-03T08:10:00+08:00')],
  readAt: '2026-05-04T01:00:00.000Z',
  apduCount: 20,
};

const ctx: DiagnoseContext = { today: '2026-05-04', stationCityCode: '5810', lowBalanceThreshold: 500, blocklist: new Map() };
const codes = (c: CardSnapshot, x: Partial<DiagnoseContext> = {}) => diagnose(c, { ...ctx, ...x }).map((d) => d.code);

describe('diagnose', () => {
  it('a healthy card has no findings', () => {
    expect(diagnose(card, ctx)).toEqual([]);
  });

  it('expired the day after validUntil, not on it', () => {
    expect(codes(card, { today: '2031-03-14' })).toEqual([]);
    expect(diagnose(card, { ...ctx, today: '2031-03-15' })).toEqual([{ code: 'expired', validUntil: '2031-03-14' }]);
  });

  it('not yet valid before validFrom', () => {
    expect(diagnose(card, { ...ctx, today: '2021-03-14' })).toEqual([{ code: 'not-yet-valid', validFrom: '2021-03-15' }]);
    expect(codes(card, { today: '2021-03-15' })).toEqual([]);
  });

  it('blocked with the reason from the blocklist', () => {
    expect(diagnose(card, { ...ctx, blocklist: new Map([[card.cardNumber, 'reported lost']]) })).toEqual([{ code: 'blocked', reason: 'reported lost' }]);
  });

  it('open trip when the newest trip record is an entry', () => {
    const open = { ...card, trips: [trip('entry', '2026-05-04T07:55:00+08:00'), ...card.trips] };
    expect(diagnose(open, ctx)).toEqual([{ code: 'open-trip', entry: open.trips[0] }]);
    const entryThenExit = { ...card, trips: [trip('exit', '2026-05-04T08:20:00+08:00'), trip('entry', '2026-05-04T07:55:00+08:00')] };
    expect(codes(entryThenExit)).toEqual([]);
  });

  it('a summary (no logs yet) never claims an open trip', () => {
    const { transactions: _t, trips: _r, readAt: _a, apduCount: _c, ...summary } = { ...card, trips: [trip('entry', '2026-05-04T07:55:00+08:00')] };
    expect(diagnose(summary, ctx)).toEqual([]);
  });

  it('low balance below the threshold, negative balance below zero, never both', () => {
    expect(diagnose({ ...card, balance: 499 }, ctx)).toEqual([{ code: 'low-balance', balance: 499, threshold: 500 }]);
    expect(codes({ ...card, balance: 500 })).toEqual([]);
    expect(codes({ ...card, balance: 0 })).toEqual(['low-balance']);
    expect(diagnose({ ...card, balance: -250 }, ctx)).toEqual([{ code: 'negative-balance', balance: -250 }]);
  });

  it('a T-Union card of another city is other-city (it pays here); unknown cities say nothing', () => {
    expect(diagnose({ ...card, cityCode: '1000' }, ctx)).toEqual([{ code: 'other-city', cardCity: '1000', stationCity: '5810', via: 't-union' }]);
    expect(codes({ ...card, cityCode: null })).toEqual([]);
    expect(codes({ ...card, cityCode: '1000' }, { stationCityCode: null })).toEqual([]);
  });

  it('several findings at once, most serious first', () => {
    const bad = { ...card, balance: -10, cityCode: '1000', validUntil: '2025-01-01', trips: [trip('entry', '2024-12-31T23:00:00+08:00')] };
    expect(codes(bad, { blocklist: new Map([[card.cardNumber, 'fraud']]) })).toEqual(['blocked', 'expired', 'negative-balance', 'open-trip', 'other-city']);
  });

  it('today is taken in Asia/Shanghai', () => {
    expect(shanghaiDate(new Date('2026-05-03T15:59:59Z'))).toBe('2026-05-03');
    expect(shanghaiDate(new Date('2026-05-03T16:00:00Z'))).toBe('2026-05-04');
  });
});
