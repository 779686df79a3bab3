// A card-summary sent before the card's number was read (Wuhan Tong, Lingnan Pass, Chongqing,
// a Beijing card found by its DF name: docs/card-reading.md, "A read"): the flows that use the
// number wait for the snapshot instead of using an empty one. A summary sent before the card's
// family was told (the balance of a purse DF 1001 named PBOC) shows the balance of a "transit
// card" and claims nothing that needs the family.
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import type { CardSummary } from '../../shared/card.js';
import { buildCallContext } from '../../kiosk/calls/call-context.js';
import { diagnose } from '../../kiosk/diagnosis/diagnose.js';
import { ticketCardContext } from '../../kiosk/flows/fault-report.js';
import { ticketStatusMachine } from '../../kiosk/flows/ticket-status.js';
import type { LookupTicketsByCardInput, LookupTicketsByCardOutput } from '../../kiosk/flows/ports.js';
import { CARD_NUMBER, sessionHarness, settle, snapshot, summary } from './flows-fixtures.js';

const pending: CardSummary = { ...summary, family: 'wuhan-tong', cardNumber: null, cityCode: null, validFrom: null, validUntil: null };

describe('a summary without the card number', () => {
  it('gives a ticket no card facts until the snapshot has the number', () => {
    expect(ticketCardContext(pending)).toBeNull();
    expect(ticketCardContext(snapshot)).toMatchObject({ cardNumber: CARD_NUMBER });
  });

  it('is never looked up in the blocklist; the snapshot is', () => {
    const asked: string[] = [];
    const blocklist = { get: (n: string) => (asked.push(n), n === CARD_NUMBER ? 'reported stolen' : undefined) };
    const ctx = { today: '2026-11-23', stationCityCode: null, lowBalanceThreshold: 0, blocklist };
    expect(diagnose(pending, ctx).map((d) => d.code)).not.toContain('blocked');
    expect(asked).toEqual([]);
    expect(diagnose(snapshot, ctx).map((d) => d.code)).toContain('blocked');
    expect(asked).toEqual([CARD_NUMBER]);
  });

  it('ticket status by card waits for the snapshot, then looks the number up', async () => {
    const looked: LookupTicketsByCardInput[] = [];
    const actor = createActor(
      ticketStatusMachine.provide({
        actors: {
          lookupTicketsByCard: fromPromise<LookupTicketsByCardOutput, LookupTicketsByCardInput>(({ input }) => {
            looked.push(input);
            return Promise.resolve([]);
          }),
        },
      }),
    ).start();
    actor.send({ type: 'CARD.SUMMARY', summary: pending });
    await settle();
    expect(looked).toEqual([]);
    expect(actor.getSnapshot().value).toBe('entry');
    actor.send({ type: 'CARD.READ', snapshot });
    await settle();
    expect(looked).toEqual([{ cardNumber: CARD_NUMBER }]);
    actor.stop();
  });
});

describe('a summary before the family is told', () => {
  const untold: CardSummary = { ...summary, family: null, aid: '50424F43', cardNumber: null, cityCode: null, validFrom: null, validUntil: null, balance: 300, balanceSlots: { slot0: 300, slot1: null } };

  it('shows the balance of a "transit card", then the family the snapshot names', () => {
    for (const [language, word, balanceText] of [
      ['en', 'Transit card', '3.00 yuan'],
      ['zh', '交通卡', '3.00 元'],
    ] as const) {
      const x = sessionHarness();
      x.send({ type: 'LANG.SET', language });
      x.send({ type: 'CARD.PRESENT' });
      x.send({ type: 'CARD.SUMMARY', summary: untold });
      expect(x.screen()).toMatchObject({ screen: 'balance', complete: false, balanceText, card: { familyLabel: word, maskedNumber: '' }, diagnoses: null });
      x.send({ type: 'CARD.READ', snapshot });
      expect(x.screen()).toMatchObject({ screen: 'balance', card: { familyLabel: language === 'en' ? 'T-Union card' : '交通联合卡' } });
      x.stop();
    }
  });

  it('says nothing yet about where the card pays; a low balance it can tell', () => {
    const ctx = { today: '2026-11-23', stationCityCode: '5810', lowBalanceThreshold: 500, blocklist: { get: () => undefined } };
    expect(diagnose(untold, ctx).map((d) => d.code)).toEqual(['low-balance']);
    // the same balance on a Beijing card in Guangzhou: the snapshot can say it does not pay here
    const beijing = { ...snapshot, family: 'beijing' as const, cityCode: '1000', balance: 300 };
    expect(diagnose(beijing, ctx).map((d) => d.code)).toContain('not-accepted');
  });

  it('goes into neither a ticket nor the agent\'s view of a call', () => {
    expect(ticketCardContext(untold)).toBeNull();
    const source = { stationId: 'GZ01', stationName: 'Tiyu Xilu', kioskId: 'GZ0101', language: 'en' as const, diagnosis: [], openTicketIds: [], health: {} };
    expect(buildCallContext({ ...source, card: untold }).card).toBeNull();
    expect(buildCallContext({ ...source, card: snapshot }).card).toMatchObject({ family: 't-union', balance: snapshot.balance });
  });
});
