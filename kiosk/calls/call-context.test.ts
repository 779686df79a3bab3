import { describe, expect, it } from 'vitest';
import type { CardSnapshot, CardTrip } from '../../shared/card.js';
import { parseKioskMessage } from '../../shared/call-protocol.js';
import { buildCallContext } from './call-context.js';

const trip = (i: number): CardTrip => ({
  kind: 'entry',
  mode: 'metro',
  amount: 0,
  balanceAfter: 1000,
  time: `2026-11-23T08:0${i}:00+08:00`,
  cityCode: '5810',
  line: 1,
  stationNumber: i,
  station: `01${i}`,
  terminal: 'AABBCCDDEEFF',
  institution: '01',
});

const snapshot: CardSnapshot = {
  family: 't-union',
  cardNumber: '3105123456789017984',
  cityCode: '5810',
  validFrom: '2020-01-01',
  validUntil: '2030-12-31',
  balance: 1234,
  currency: 'CNY',
  balanceSlots: { slot0: 1234, slot1: null },
  holderType: 'normal',
  uidHash: 'ab'.repeat(32),
  aid: 'A000000632010105',
  transactions: [],
  trips: [1, 2, 3, 4, 5, 6, 7].map(trip),
  readAt: '2026-11-23T09:00:00+08:00',
  apduCount: 12,
};

describe('buildCallContext', () => {
  const context = buildCallContext({
    stationId: 'GZ-L1-TYXL',
    stationName: '体育西路',
    kioskId: 'GZ0102',
    language: 'zh',
    card: snapshot,
    diagnosis: ['low-balance'],
    openTicketIds: ['GZ0102-261123-0001-4'],
    health: { printer: { state: 'fault', code: 'paper-out', detail: 'x', since: '2026-11-23T08:00:00+08:00' } },
  });

  it('masks the card number and never carries the whole number, UID hash or terminal ids', () => {
    expect(context.card).toEqual({ family: 't-union', maskedNumber: '3105 **** **** 7984', balance: 1234, validUntil: '2030-12-31' });
    const text = JSON.stringify(context);
    expect(text).not.toContain('3105123456789017984');
    expect(text).not.toContain('abab');
    expect(text).not.toContain('AABBCCDDEEFF');
  });

  it('keeps the newest five trips, the diagnosis, open tickets and device health', () => {
    // The newest five journeys as the passenger read them: words, Beijing date and time, no bytes.
    expect(context.recentTrips.map((t) => t.text.zh)).toEqual([7, 6, 5, 4, 3].map((i) => `2026年11月23日 08:0${i} 广州的车站进站，没有出站记录`));
    expect(context.recentTrips[0]).toEqual({ text: { zh: '2026年11月23日 08:07 广州的车站进站，没有出站记录', en: '23 Nov 2026 08:07 entered a station in Guangzhou, no exit recorded' }, time: '2026-11-23T08:07:00+08:00', amount: 0, open: true });
    expect(JSON.stringify(context.recentTrips)).not.toMatch(/01[0-9]"|AABBCC/);
    expect(context.diagnosis).toEqual(['low-balance']);
    expect(context.openTicketIds).toEqual(['GZ0102-261123-0001-4']);
    expect(context.health).toEqual([{ device: 'printer', state: 'fault', code: 'paper-out' }]);
  });

  it('pairs an entry with its exit into one journey with its fare, as given apart from the card summary', () => {
    const paired = buildCallContext({
      stationId: 'GZ-L1-TYXL',
      stationName: '体育西路',
      kioskId: 'GZ0102',
      language: 'en',
      card: null,
      trips: [
        { ...trip(1), kind: 'exit', amount: 400, time: '2026-11-23T08:40:00+08:00' },
        { ...trip(2), kind: 'entry', amount: 0, time: '2026-11-23T08:12:00+08:00' },
      ],
      diagnosis: [],
      openTicketIds: [],
      health: {},
    });
    expect(paired.recentTrips).toHaveLength(1);
    expect(paired.recentTrips[0]).toMatchObject({ amount: 400, open: false, time: '2026-11-23T08:12:00+08:00' });
    expect(paired.recentTrips[0]!.text.en).toMatch(/^23 Nov 2026 08:12 entered .+, 08:40 exited .+, .*4\.00/);
    expect(paired.recentTrips[0]!.text.zh).toMatch(/^2026年11月23日 08:12 .+进站，08:40 .+出站，.*4\.00/);
  });

  it('is accepted by central as a call request', () => {
    const r = parseKioskMessage(JSON.stringify({ type: 'request', requestId: 'r1', lane: 'emergency', context }));
    expect(r.ok).toBe(true);
  });

  it('says where in the station the kiosk stands, and central passes it on as given', () => {
    const placed = buildCallContext({ stationId: 'GZ-L1-TYXL', stationName: '体育西路', kioskId: 'GZ0102', location: { zh: 'B出口旁', en: 'Near Exit B' }, language: 'zh', card: null, diagnosis: [], openTicketIds: [], health: {} });
    expect(placed.location).toEqual({ zh: 'B出口旁', en: 'Near Exit B' });
    const r = parseKioskMessage(JSON.stringify({ type: 'request', requestId: 'r1', lane: 'information', context: placed }));
    expect(r.ok && r.value.type === 'request' ? r.value.context.location : null).toEqual({ zh: 'B出口旁', en: 'Near Exit B' });
    // A kiosk whose location is not set says nothing about it.
    expect(context).not.toHaveProperty('location');
  });
});
