/** Plain words: journeys, stations, amounts, diagnoses; and the UI protocol's refusal of garbage. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diagnosisLine, transactionLine } from '../../kiosk/i18n/card-words.js';
import { formatYuan } from '../../shared/format.js';
import { pairJourneys, tripLines } from '../../kiosk/i18n/journeys.js';
import { PASSENGER_EVENT_TYPES, parsePassengerEvent, parseUiUpMessage } from '../../shared/ui-protocol.js';
import { trip } from './flows-fixtures.js';

describe('journeys in plain words', () => {
  const trips = [
    trip('exit', '00030009000000', '2026-11-23T08:40:00+08:00', 400),
    trip('entry', '0001000E000000', '2026-11-23T08:12:00+08:00'),
    trip('exit', '00010009000000', '2026-11-22T19:03:00+08:00', 300),
    trip('entry', '000A000B000000', '2026-11-22T18:30:00+08:00'),
  ];

  it('pairs entries with exits, newest first, in English and Chinese', () => {
    expect(tripLines('en', trips).map((l) => l.text)).toEqual([
      '23 Nov 2026 08:12 entered Tiyu Xilu (Line 1), 08:40 exited Kecun (Line 3), 4.00 yuan',
      '22 Nov 2026 18:30 entered a station in Guangzhou, 19:03 exited Gongyuanqian (Line 1), 3.00 yuan',
    ]);
    expect(tripLines('zh', trips).map((l) => l.text)).toEqual([
      '2026年11月23日 08:12 体育西路（1号线）进站，08:40 客村（3号线）出站，4.00 元',
      '2026年11月22日 18:30 广州的车站进站，19:03 公园前（1号线）出站，3.00 元',
    ]);
    expect(tripLines('en', trips).map((l) => l.dateText)).toEqual(['23 Nov 2026', '22 Nov 2026']);
  });

  it('every entry with no exit after it is an open trip, not only the newest', () => {
    const open = [trip('entry', '0001000E000000', '2026-11-23T09:00:00+08:00'), ...trips];
    const lines = tripLines('en', open);
    expect(lines[0]).toMatchObject({ text: '23 Nov 2026 09:00 entered Tiyu Xilu (Line 1), no exit recorded', open: true });
    const old = tripLines('zh', [trip('entry', '0001000E000000', '2026-11-21T09:00:00+08:00'), trip('entry', '0001000F000000', '2026-11-21T10:00:00+08:00'), trip('exit', '00010010000000', '2026-11-21T10:20:00+08:00', 200)]);
    expect(old.map((l) => [l.text, l.open])).toEqual([
      ['2026年11月21日 10:00 体育中心（1号线）进站，10:20 广州东站（1号线）出站，2.00 元', false],
      ['2026年11月21日 09:00 体育西路（1号线）进站，没有出站记录', true],
    ]);
  });

  it("a station of another city comes from that city's table, else the city, never the bytes", () => {
    const shenzhen = { ...trip('entry', '0001000E000000', '2026-11-23T09:00:00+08:00'), cityCode: '5840' };
    expect(tripLines('en', [shenzhen])[0]?.text).toBe('23 Nov 2026 09:00 entered OCT (Line 1 Luobao Line), no exit recorded');
    const shanghai = { ...trip('entry', '0001000E000000', '2026-11-23T09:00:00+08:00'), cityCode: '2900' };
    expect(tripLines('zh', [shanghai])[0]?.text).toBe('2026年11月23日 09:00 上海的车站进站，没有出站记录');
  });

  it('every trip step appears in exactly one journey', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ kind: fc.constantFrom('entry', 'exit', 'single', 'other'), minute: fc.integer({ min: 0, max: 10_000 }) }), { maxLength: 30 }),
        (steps) => {
          const list = steps.map((s, i) => ({ ...trip(s.kind as 'entry', '0001000E000000', new Date(Date.UTC(2026, 10, 1) + s.minute * 60_000 + i).toISOString()), amount: i }));
          const count = pairJourneys(list).reduce((n, j) => n + (j.kind === 'journey' ? 2 : 1), 0);
          expect(count).toBe(list.length);
        },
      ),
    );
  });
});

describe('amounts, transactions, diagnoses', () => {
  it('yuan with two decimals, negative balances too', () => {
    expect(formatYuan('en', 400)).toBe('4.00 yuan');
    expect(formatYuan('zh', 5)).toBe('0.05 元');
    expect(formatYuan('zh', -150)).toBe('-1.50 元');
  });

  it('a top-up is money in, a fare is money out', () => {
    expect(transactionLine('en', { counter: 1, amount: 5000, overdraft: 0, kind: 'top-up', typeCode: 2, terminal: '01', time: '2026-11-20T07:05:00+08:00' })).toEqual({
      text: '20 Nov 2026 07:05 top-up, 50.00 yuan',
      dateText: '20 Nov 2026',
      amount: 5000,
      time: '2026-11-20T07:05:00+08:00',
    });
    expect(transactionLine('zh', { counter: 2, amount: 400, overdraft: 0, kind: 'trip', typeCode: 9, terminal: '01', time: null })).toMatchObject({ text: '时间不明 乘车扣款 4.00 元', amount: -400 });
  });

  it('advice per diagnosis, with what to offer', () => {
    const openTrip = diagnosisLine('en', { code: 'open-trip', entry: trip('entry', '0001000E000000', '2026-11-23T08:12:00+08:00') });
    expect(openTrip).toMatchObject({ severity: 'warning', offerAgent: true, offerReport: true, title: 'Unfinished trip: entered Tiyu Xilu (Line 1) on 23 Nov 2026 08:12 with no exit' });
    expect(openTrip.advice).toContain('maximum fare');
    expect(diagnosisLine('zh', { code: 'expired', validUntil: '2025-12-31' }).title).toBe('卡片已于 2025年12月31日 过期');
    expect(diagnosisLine('en', { code: 'blocked', reason: 'reported lost' })).toMatchObject({ offerAgent: true });
    expect(diagnosisLine('en', { code: 'other-city', cardCity: '5840', stationCity: '5810' }).advice).toBe(
      'A Shenzhen card works here through T-Union. Questions about its balance or charges go to its home operator in Shenzhen; a ticket you file here is passed on to them.',
    );
    expect(diagnosisLine('en', { code: 'negative-balance', balance: -230 }).advice).toContain('owes 2.30 yuan');
  });
});

describe('parsePassengerEvent (the socket is a trust boundary)', () => {
  it('accepts well-formed events and keeps only known fields', () => {
    expect(parsePassengerEvent({ type: 'LANG.SET', language: 'en', extra: 'x' })).toEqual({ ok: true, value: { type: 'LANG.SET', language: 'en' } });
    expect(parsePassengerEvent({ type: 'RATE', score: 5 })).toEqual({ ok: true, value: { type: 'RATE', score: 5 } });
    expect(parsePassengerEvent({ type: 'KEY.PRESS', key: '闸' })).toEqual({ ok: true, value: { type: 'KEY.PRESS', key: '闸' } });
    expect(parsePassengerEvent({ type: 'TEXT.SET', text: '第一行\n第二行' }).ok).toBe(true);
  });

  it.each([
    [null, 'not-an-object'],
    [[], 'not-an-object'],
    ['START', 'not-an-object'],
    [{}, 'bad-field'],
    [{ type: 'DROP.TABLES' }, 'unknown-type'],
    [{ type: 'xstate.done.actor.createTicket', output: {} }, 'unknown-type'],
    [{ type: 'CARD.READ', snapshot: {} }, 'unknown-type'],
    [{ type: 'MAINTENANCE.ENTER' }, 'unknown-type'],
    [{ type: 'LANG.SET', language: 'fr' }, 'bad-field'],
    [{ type: 'RATE', score: 6 }, 'bad-field'],
    [{ type: 'RATE', score: '5' }, 'bad-field'],
    [{ type: 'REPORT.CATEGORY', category: 'device-fault' }, 'bad-field'],
    [{ type: 'TEXT.SET', text: 'x'.repeat(2001) }, 'too-long'],
    [{ type: 'TEXT.SET', text: 'a\u0000b' }, 'bad-field'],
    [{ type: 'TEXT.SET', text: 'abc\u202Edef' }, 'bad-field'],
    [{ type: 'KEY.PRESS', key: 'ab' }, 'bad-field'],
    [{ type: 'TEXT.LARGE', on: 'yes' }, 'bad-field'],
  ])('refuses %j with %s', (input, code) => {
    const r = parsePassengerEvent(input);
    expect(r.ok ? null : r.error.code).toBe(code);
  });

  it('never throws, and whatever it accepts is a known event type', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ type: fc.constantFrom(...PASSENGER_EVENT_TYPES), text: fc.string(), key: fc.string(), score: fc.integer() })), (v) => {
        const r = parsePassengerEvent(v);
        if (r.ok) expect(PASSENGER_EVENT_TYPES).toContain(r.value.type);
        else expect(typeof r.error.code).toBe('string');
      }),
    );
  });

  it('refuses a language the kiosk does not offer, naming the ones it does, and takes one it offers', () => {
    expect(parsePassengerEvent({ type: 'LANG.SET', language: 'en' }, { languages: ['zh'] })).toEqual({
      ok: false,
      error: { code: 'not-offered', message: 'language en is not offered by this kiosk (it offers zh)' },
    });
    expect(parsePassengerEvent({ type: 'LANG.SET', language: 'zh' }, { languages: ['en'] })).toMatchObject({ ok: false, error: { code: 'not-offered' } });
    expect(parsePassengerEvent({ type: 'LANG.SET', language: 'en' }, { languages: ['zh', 'en'] })).toEqual({ ok: true, value: { type: 'LANG.SET', language: 'en' } });
    // A language no kiosk speaks is still a bad field, whatever is offered.
    expect(parsePassengerEvent({ type: 'LANG.SET', language: 'fr' }, { languages: ['zh'] })).toMatchObject({ ok: false, error: { code: 'bad-field' } });
    // Other events do not depend on the languages offered.
    expect(parsePassengerEvent({ type: 'TEXT.LARGE', on: true }, { languages: ['zh'] })).toEqual({ ok: true, value: { type: 'TEXT.LARGE', on: true } });
    expect(parseUiUpMessage('{"type":"event","event":{"type":"LANG.SET","language":"en"}}', { languages: ['zh'] })).toMatchObject({ ok: false, error: { code: 'not-offered' } });
  });

  it('frames: not JSON, wrong envelope, or a good event', () => {
    expect(parseUiUpMessage('{').ok).toBe(false);
    expect(parseUiUpMessage('{"type":"eval","event":{}}')).toMatchObject({ ok: false, error: { code: 'unknown-type' } });
    expect(parseUiUpMessage('{"type":"event","event":{"type":"HOME"}}')).toEqual({ ok: true, value: { type: 'event', event: { type: 'HOME' } } });
  });
});
