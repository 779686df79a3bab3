/** A report that cannot be saved because the kiosk's disk is full: the passenger is told so and keeps the report. */
import { afterEach, describe, expect, it } from 'vitest';
import { PortFailure } from '../../kiosk/runtime/effects/flow-ports.js';
import { sessionHarness, settle, type Harness } from './flows-fixtures.js';

let h: Harness | null = null;
afterEach(() => {
  h?.stop();
  h = null;
});

describe('a full disk at submit', () => {
  it('says the storage is full (not "try again") and keeps everything typed; another failure still says try again', async () => {
    const x = (h = sessionHarness());
    x.send({ type: 'START' });
    x.send({ type: 'MENU.REPORT' });
    x.send({ type: 'REPORT.CATEGORY', category: 'gate' });
    x.send({ type: 'TEXT.SET', text: '闸机扣费后没有开门' });
    x.send({ type: 'NEXT' });
    x.send({ type: 'SKIP' });
    x.send({ type: 'SUBMIT' });
    x.ports.reject('createTicket', new PortFailure('storage-full', "the kiosk's storage is full; nothing was stored"));
    await settle();
    expect(x.screen()).toMatchObject({ screen: 'report-review', error: 'storage-full', description: '闸机扣费后没有开门' });
    x.send({ type: 'SUBMIT' });
    x.ports.reject('createTicket', new Error('database is locked'));
    await settle();
    expect(x.screen()).toMatchObject({ screen: 'report-review', error: 'submit-failed' });
  });
});
