// A card-summary sent before the card's number was read (Wuhan Tong, Lingnan Pass, Chongqing,
// a Beijing card found by its DF name: docs/card-reading.md, "A read"): the flows that use the
// number wait for the snapshot instead of using an empty one.
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import type { CardSummary } from '../../shared/card.js';
import { diagnose } from '../../kiosk/diagnosis/diagnose.js';
import { ticketCardContext } from '../../kiosk/flows/fault-report.js';
import { ticketStatusMachine } from '../../kiosk/flows/ticket-status.js';
import type { LookupTicketsByCardInput, LookupTicketsByCardOutput } from '../../kiosk/flows/ports.js';
import { CARD_NUMBER, settle, snapshot, summary } from './flows-fixtures.js';

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
