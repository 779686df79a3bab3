/** The session's rules: idle countdown and warning, calls, privacy on card removal, reports, status lookups. */
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_NUMBER, sessionHarness, settle, snapshot, summary, TICKET_ID, type Harness } from './flows-fixtures.js';
import type { CreateTicketInput, CreateTicketOutput, TicketStatusRecord } from '../../kiosk/flows/ports.js';

let h: Harness | null = null;
afterEach(() => {
  h?.stop();
  h = null;
});

const ticket: CreateTicketOutput = { ticketId: TICKET_ID, statusUrl: `https://help.example/t/${TICKET_ID}`, createdAt: '2026-11-23T08:50:00+08:00' };

function startReport(x: Harness, text = '闸机扣费后没有开门'): void {
  x.send({ type: 'START' });
  x.send({ type: 'MENU.REPORT' });
  x.send({ type: 'REPORT.CATEGORY', category: 'gate' });
  x.send({ type: 'TEXT.SET', text });
}

describe('idle countdown', () => {
  it('counts down visibly, restarts on a touch, and resets the session at zero', () => {
    const x = (h = sessionHarness());
    expect(x.screen().chrome.idleSecondsLeft).toBeNull();
    x.send({ type: 'START' });
    expect(x.screen()).toMatchObject({ screen: 'menu', chrome: { idleSecondsLeft: 90 } });
    x.clock.increment(30_500);
    expect(x.screen().chrome.idleSecondsLeft).toBe(60);
    x.send({ type: 'TOUCH' });
    expect(x.screen().chrome.idleSecondsLeft).toBe(90);
    x.clock.increment(89_000);
    expect(x.screen()).toMatchObject({ screen: 'menu', chrome: { idleSecondsLeft: 1 } });
    x.clock.increment(1_000);
    expect(x.screen().screen).toBe('attract');
  });

  it('does not reset during a call, and counts again after it', async () => {
    const x = (h = sessionHarness());
    x.send({ type: 'START' });
    x.send({ type: 'MENU.CALL' });
    expect(x.screen()).toMatchObject({ screen: 'call', chrome: { idleSecondsLeft: null } });
    await settle();
    x.call.central({ type: 'CENTRAL.RINGING', callId: 'c1', media: null });
    x.call.central({ type: 'CENTRAL.CONNECTED', callId: 'c1', agentName: 'Li', media: { signallingUrl: 'ws://127.0.0.1:1/calls/media?token=t', iceServers: [] } });
    x.send({ type: 'CALL.MEDIA', state: 'connected' });
    x.clock.increment(15 * 60_000);
    expect(x.screen()).toMatchObject({ screen: 'call', view: { phase: 'in-call' } });
    x.send({ type: 'CALL.HANGUP' });
    expect(x.call.commands).toContainEqual({ type: 'LEAVE', reason: 'hung-up' });
    expect(x.screen()).toMatchObject({ screen: 'survey', service: 'call', chrome: { idleSecondsLeft: 90 } });
  });

  it('warns before dropping a half-written report; continue keeps it, silence drops it', () => {
    const x = (h = sessionHarness());
    startReport(x);
    x.clock.increment(90_000);
    expect(x.screen()).toMatchObject({ screen: 'idle-warning', secondsLeft: 30, discarding: 'report', chrome: { idleSecondsLeft: null } });
    x.clock.increment(10_000);
    expect(x.screen()).toMatchObject({ screen: 'idle-warning', secondsLeft: 20 });
    x.send({ type: 'IDLE.CONTINUE' });
    expect(x.screen()).toMatchObject({ screen: 'report-describe', text: '闸机扣费后没有开门', chrome: { idleSecondsLeft: 90 } });
    x.clock.increment(90_000);
    expect(x.screen().screen).toBe('idle-warning');
    x.clock.increment(30_000);
    expect(x.screen().screen).toBe('attract');
    expect(x.actor.getSnapshot().children).toEqual({});
    expect(x.ports.calls.filter((c) => c.port === 'createTicket')).toEqual([]);
  });

  it('does not warn for a report nobody started writing', () => {
    const x = (h = sessionHarness());
    x.send({ type: 'START' });
    x.send({ type: 'MENU.REPORT' });
    x.clock.increment(90_000);
    expect(x.screen().screen).toBe('attract');
  });

  it('IDLE.DISCARD drops the report at once', () => {
    const x = (h = sessionHarness());
    startReport(x);
    x.clock.increment(90_000);
    x.send({ type: 'IDLE.DISCARD' });
    expect(x.screen().screen).toBe('attract');
    x.send({ type: 'START' });
    x.send({ type: 'MENU.REPORT' });
    expect(x.screen().screen).toBe('report-category');
  });

  it('the end of a session resets language and large text', () => {
    const x = (h = sessionHarness());
    x.send({ type: 'LANG.SET', language: 'en' });
    x.send({ type: 'START' });
    x.send({ type: 'TEXT.LARGE', on: true });
    expect(x.screen().chrome).toMatchObject({ language: 'en', largeText: true });
    x.send({ type: 'EXIT' });
    expect(x.screen()).toMatchObject({ screen: 'attract', chrome: { language: 'zh', largeText: false } });
  });
});

describe('languages the kiosk offers', () => {
  it('a language the kiosk does not offer changes nothing, on any screen; one it offers is taken', async () => {
    const x = (h = sessionHarness({}, { languages: ['zh'] }));
    x.send({ type: 'LANG.SET', language: 'en' });
    expect(x.screen()).toMatchObject({ screen: 'attract', chrome: { language: 'zh' } });
    x.send({ type: 'START' });
    x.clock.increment(30_000);
    const menu = x.actor.getSnapshot();
    x.send({ type: 'LANG.SET', language: 'en' });
    // Not the language, not the countdown: the event is refused whole.
    expect(x.actor.getSnapshot().context).toEqual(menu.context);
    expect(x.screen()).toMatchObject({ screen: 'menu', chrome: { language: 'zh', idleSecondsLeft: 60 } });
    // The child flows that keep a language of their own (report, help articles) keep it too.
    x.send({ type: 'MENU.REPORT' });
    x.send({ type: 'LANG.SET', language: 'en' });
    x.send({ type: 'REPORT.CATEGORY', category: 'gate' });
    expect(x.screen()).toMatchObject({ screen: 'report-describe', chrome: { language: 'zh' } });
    expect(JSON.stringify(x.actor.getSnapshot().children['faultReport']?.getSnapshot().context)).toContain('"language":"zh"');
    x.send({ type: 'MENU.FAQ' });
    x.send({ type: 'LANG.SET', language: 'en' });
    await settle();
    expect(x.screen()).toMatchObject({ screen: 'faq-categories', chrome: { language: 'zh' } });
    expect(JSON.stringify(x.actor.getSnapshot().children['faq']?.getSnapshot().context)).toContain('"language":"zh"');
    expect(x.errors).toEqual([]);

    const y = sessionHarness({}, { languages: ['en', 'zh'], defaultLanguage: 'en' });
    try {
      y.send({ type: 'LANG.SET', language: 'zh' });
      expect(y.screen().chrome.language).toBe('zh');
    } finally {
      y.stop();
    }
  });
});

describe('card privacy', () => {
  it('shows the masked number only, and removal clears the card from context and screen', async () => {
    const x = (h = sessionHarness());
    x.send({ type: 'LANG.SET', language: 'en' });
    x.send({ type: 'CARD.PRESENT' });
    expect(x.screen().screen).toBe('card-reading');
    x.send({ type: 'CARD.SUMMARY', summary });
    expect(x.screen()).toMatchObject({ screen: 'balance', complete: false, balanceText: '12.50 yuan', diagnoses: null });
    x.send({ type: 'CARD.READ', snapshot });
    x.ports.resolve('checkBlocklist', null);
    await settle();
    const shown = x.screen();
    expect(shown).toMatchObject({ screen: 'balance', complete: true, card: { maskedNumber: '3105 **** **** 7984' } });
    if (shown.screen !== 'balance') throw new Error('not balance');
    expect(shown.trips[0]?.text).toBe('23 Nov 2026 08:12 entered Tiyu Xilu (Line 1), 08:40 exited Kecun (Line 3), 4.00 yuan');
    expect(shown.diagnoses?.map((d) => d.code)).toEqual(['low-balance']);
    expect(JSON.stringify(shown)).not.toContain(CARD_NUMBER);
    expect(x.actor.getSnapshot().context.diagnosisCodes).toEqual(['low-balance']);

    x.send({ type: 'CARD.REMOVED' });
    expect(x.screen()).toMatchObject({ screen: 'survey', service: 'balance' });
    expect(JSON.stringify(x.actor.getSnapshot().context)).not.toContain(CARD_NUMBER);
    expect(JSON.stringify(x.actor.getPersistedSnapshot())).not.toContain(CARD_NUMBER);
  });

  it('a card removed mid-read says so and shows nothing of the card', () => {
    const x = (h = sessionHarness());
    x.send({ type: 'LANG.SET', language: 'en' });
    x.send({ type: 'CARD.PRESENT' });
    x.send({ type: 'CARD.SUMMARY', summary });
    x.send({ type: 'CARD.ERROR', error: { code: 'card-removed', message: 'gone' } });
    x.send({ type: 'CARD.REMOVED' });
    const s = x.screen();
    expect(s).toMatchObject({ screen: 'card-error', code: 'card-removed', title: 'The card was removed before the read finished' });
    expect(JSON.stringify(x.actor.getPersistedSnapshot())).not.toContain(CARD_NUMBER);
  });

  it('an unsupported card is named as such', () => {
    const x = (h = sessionHarness());
    x.send({ type: 'CARD.PRESENT' });
    x.send({ type: 'CARD.ERROR', error: { code: 'unsupported-card', message: 'no AID' } });
    expect(x.screen()).toMatchObject({ screen: 'card-error', code: 'unsupported-card', title: '无法识别此卡' });
  });
});

describe('fault report', () => {
  it('attaches the tapped card (masked on screen, whole in the ticket) and shows the ticket id at once', async () => {
    const x = (h = sessionHarness({ checkBlocklist: () => Promise.resolve(null) }));
    x.send({ type: 'CARD.PRESENT' });
    x.send({ type: 'CARD.READ', snapshot });
    await settle();
    x.send({ type: 'MENU.REPORT' });
    x.send({ type: 'REPORT.CATEGORY', category: 'card-problem' });
    x.send({ type: 'PHRASE.ADD', phraseId: 'charged-twice' });
    x.send({ type: 'PHRASE.ADD', phraseId: 'no-exit-record' });
    expect(x.screen()).toMatchObject({ screen: 'report-describe', text: '同一次乘车被扣了两次费，我已出站但卡上没有出站记录', canContinue: true });
    x.send({ type: 'NEXT' });
    x.send({ type: 'TEXT.SET', text: '12345' });
    x.send({ type: 'NEXT' });
    expect(x.screen()).toMatchObject({ screen: 'report-phone', phone: '12345', error: 'phone-invalid' });
    x.send({ type: 'TEXT.SET', text: '138 0013 8000' });
    x.send({ type: 'NEXT' });
    expect(x.screen()).toMatchObject({ screen: 'report-review', phone: '13800138000', card: { maskedNumber: '3105 **** **** 7984' } });
    x.send({ type: 'SUBMIT' });
    expect(x.screen()).toMatchObject({ screen: 'report-review', submitting: true });
    const input = x.ports.calls.find((c) => c.port === 'createTicket')?.input as CreateTicketInput;
    expect(input).toMatchObject({ category: 'card-problem', phone: '13800138000', card: { cardNumber: CARD_NUMBER, masked: '3105 **** **** 7984' }, language: 'zh' });
    x.ports.resolve('createTicket', ticket);
    await settle();
    expect(x.screen()).toMatchObject({ screen: 'report-done', ticketId: TICKET_ID, statusUrl: ticket.statusUrl, receipt: 'printing' });
    x.ports.reject('printReceipt', new Error('paper end'));
    await settle();
    expect(x.screen()).toMatchObject({ screen: 'report-done', ticketId: TICKET_ID, receipt: 'failed' });
    x.send({ type: 'RECEIPT.RETRY' });
    x.ports.resolve('printReceipt', { printed: true });
    await settle();
    expect(x.screen()).toMatchObject({ screen: 'report-done', receipt: 'printed' });
    x.send({ type: 'NEXT' });
    expect(x.screen()).toMatchObject({ screen: 'survey', service: 'report' });
    x.send({ type: 'RATE', score: 5 });
    x.send({ type: 'SURVEY.REASON', reasonId: 'fast' });
    x.send({ type: 'SUBMIT' });
    x.ports.resolve('saveRating', undefined);
    await settle();
    expect(x.screen()).toMatchObject({ screen: 'survey', step: 'thanks' });
    expect(x.ports.calls.find((c) => c.port === 'saveRating')?.input).toMatchObject({ score: 5, reason: 'fast', service: 'report', ticketId: TICKET_ID });
    x.clock.increment(4_000);
    expect(x.screen().screen).toBe('attract');
    expect(x.errors).toEqual([]);
  });

  it('a card removed while writing is detached from the report', () => {
    const x = (h = sessionHarness({ checkBlocklist: () => Promise.resolve(null) }));
    x.send({ type: 'CARD.PRESENT' });
    x.send({ type: 'CARD.SUMMARY', summary });
    x.send({ type: 'MENU.REPORT' });
    x.send({ type: 'REPORT.CATEGORY', category: 'gate' });
    x.send({ type: 'TEXT.SET', text: 'x' });
    x.send({ type: 'CARD.REMOVED' });
    x.send({ type: 'NEXT' });
    x.send({ type: 'SKIP' });
    expect(x.screen()).toMatchObject({ screen: 'report-review', card: null, phone: null });
    expect(JSON.stringify(x.actor.getPersistedSnapshot())).not.toContain(CARD_NUMBER);
  });

  it('a failed save keeps everything typed and retries with the same draft id', async () => {
    const x = (h = sessionHarness());
    startReport(x);
    x.send({ type: 'NEXT' });
    x.send({ type: 'SKIP' });
    x.send({ type: 'SUBMIT' });
    x.ports.reject('createTicket', new Error('disk full'));
    await settle();
    expect(x.screen()).toMatchObject({ screen: 'report-review', error: 'submit-failed', description: '闸机扣费后没有开门' });
    x.send({ type: 'SUBMIT' });
    const drafts = x.ports.calls.filter((c) => c.port === 'createTicket').map((c) => (c.input as CreateTicketInput).draftId);
    expect(drafts).toHaveLength(2);
    expect(drafts[0]).toBe(drafts[1]);
  });

  it('refuses a blank description', () => {
    const x = (h = sessionHarness());
    startReport(x, '   ');
    x.send({ type: 'NEXT' });
    expect(x.screen()).toMatchObject({ screen: 'report-describe', canContinue: false });
  });
});

describe('ticket status', () => {
  it('refuses a mistyped id without looking it up', () => {
    const x = (h = sessionHarness());
    x.send({ type: 'START' });
    x.send({ type: 'MENU.STATUS' });
    const wrongCheckDigit = `${TICKET_ID.slice(0, -1)}${(Number(TICKET_ID.slice(-1)) + 1) % 10}`;
    for (const typed of [wrongCheckDigit, 'GZ0102-2611', '<script>', '']) {
      x.send({ type: 'TEXT.SET', text: typed });
      x.send({ type: 'SUBMIT' });
      expect(x.screen()).toMatchObject({ screen: 'status-entry', error: 'invalid-ticket-id', looking: false });
    }
    expect(x.ports.calls).toEqual([]);
  });

  it('finds a ticket by typed id (any case, spaces), by scanned URL, and by card', async () => {
    const record: TicketStatusRecord = { ticketId: TICKET_ID, status: 'in-progress', category: 'gate', note: '已派人检修', updatedAt: '2026-11-23T14:05:00+08:00' };
    const x = (h = sessionHarness({ lookupTicketStatus: () => Promise.resolve(record), lookupTicketsByCard: () => Promise.resolve([record]) }));
    x.send({ type: 'START' });
    x.send({ type: 'MENU.STATUS' });
    x.send({ type: 'TEXT.SET', text: ` ${TICKET_ID.toLowerCase()} ` });
    x.send({ type: 'SUBMIT' });
    await settle();
    expect(x.screen()).toMatchObject({
      screen: 'status-result',
      ticket: { ticketId: TICKET_ID, statusLabel: '处理中', note: '已派人检修', updatedText: '更新于 2026年11月23日 14:05' },
    });
    x.send({ type: 'BACK' });
    x.send({ type: 'SCAN.CODE', code: `https://help.example/t/${TICKET_ID}` });
    await settle();
    expect(x.screen().screen).toBe('status-result');
    x.send({ type: 'BACK' });
    x.send({ type: 'CARD.SUMMARY', summary });
    await settle();
    expect(x.screen().screen).toBe('status-result');
    expect(x.ports.calls.find((c) => c.port === 'lookupTicketsByCard')?.input).toEqual({ cardNumber: CARD_NUMBER });
  });
});

describe('hardware inputs, decided by the session', () => {
  const record = { ticketId: TICKET_ID, status: 'in-progress', category: 'gate', note: null, updatedAt: '2026-11-23T10:00:00+08:00' } as const;

  it('a scanned ticket code opens its status from the attract screen, from another flow and from a status already shown', async () => {
    const x = (h = sessionHarness());
    x.send({ type: 'SCAN.CODE', code: `https://help.example/t/${TICKET_ID}` });
    expect(x.ports.calls.at(-1)).toEqual({ port: 'lookupTicketStatus', input: { ticketId: TICKET_ID } });
    x.ports.resolve('lookupTicketStatus', record);
    await settle();
    expect(x.screen()).toMatchObject({ screen: 'status-result', chrome: { idleSecondsLeft: 90 } });
    x.send({ type: 'SCAN.CODE', code: TICKET_ID });
    expect(x.screen().screen).toBe('status-entry');
    x.ports.resolve('lookupTicketStatus', null);
    await settle();
    expect(x.screen()).toMatchObject({ screen: 'status-entry', error: 'not-found' });
    x.send({ type: 'MENU.FAQ' });
    x.send({ type: 'SCAN.CODE', code: 'not a ticket' });
    expect(x.screen()).toMatchObject({ screen: 'status-entry', error: 'invalid-ticket-id' });
    expect(x.ports.calls.filter((c) => c.port === 'lookupTicketStatus')).toHaveLength(2);
  });

  it('out of service: passengers see it and nothing they do, tap or scan goes through; a technician card still opens maintenance', () => {
    const x = (h = sessionHarness());
    x.send({ type: 'START' });
    x.send({ type: 'MENU.REPORT' });
    x.send({ type: 'REPORT.CATEGORY', category: 'gate' });
    x.send({ type: 'SERVICE.CHANGED', inService: false });
    const closed = { screen: 'maintenance', page: 'out-of-service', chrome: { idleSecondsLeft: null, agentAvailable: false, canGoBack: false, canGoHome: false } };
    expect(x.screen()).toMatchObject(closed);
    expect(x.actor.getSnapshot().children).toEqual({});
    for (const e of [
      { type: 'START' },
      { type: 'TOUCH' },
      { type: 'MENU.REPORT' },
      { type: 'MENU.CALL' },
      { type: 'CALL.EMERGENCY' },
      { type: 'CARD.PRESENT' },
      { type: 'CARD.READ', snapshot },
      { type: 'SCAN.CODE', code: TICKET_ID },
    ] as const) {
      x.send(e);
      expect(x.screen()).toMatchObject(closed);
    }
    expect(x.ports.calls).toEqual([]);
    x.send({ type: 'CARD.TECHNICIAN' });
    expect(x.screen()).toMatchObject({ screen: 'maintenance', view: { phase: 'verifying' } });
    x.send({ type: 'MAINTENANCE.EXIT' });
    expect(x.screen()).toMatchObject(closed);
    x.send({ type: 'SERVICE.CHANGED', inService: true });
    expect(x.screen().screen).toBe('attract');
    x.send({ type: 'START' });
    expect(x.screen().screen).toBe('menu');
  });

  it('a technician card opens maintenance from the middle of a passenger session, which is cleared', () => {
    const x = (h = sessionHarness({ checkBlocklist: () => Promise.resolve(null) }));
    x.send({ type: 'CARD.PRESENT' });
    x.send({ type: 'CARD.SUMMARY', summary });
    x.send({ type: 'CARD.TECHNICIAN' });
    expect(x.screen()).toMatchObject({ screen: 'maintenance', view: { phase: 'verifying' } });
    expect(JSON.stringify(x.actor.getSnapshot().context)).not.toContain(CARD_NUMBER);
  });
});

describe('the call slot inside the session', () => {
  it('a call cancelled before an agent answers tells central and goes back to the menu, without a survey', async () => {
    const x = (h = sessionHarness());
    x.send({ type: 'START' });
    x.send({ type: 'MENU.CALL' });
    await settle();
    expect(x.call.connected).toBe(true);
    x.call.central({ type: 'CENTRAL.QUEUED', callId: 'c1', position: 2, estimatedWaitSeconds: 60 });
    expect(x.screen()).toMatchObject({ screen: 'call', phase: 'queued', queuePosition: 2 });
    x.send({ type: 'CALL.CANCEL' });
    await settle();
    expect(x.call.commands).toContainEqual({ type: 'LEAVE', reason: 'cancelled' });
    expect(x.screen()).toMatchObject({ screen: 'menu', chrome: { idleSecondsLeft: 90 } });
    expect(x.call.connected).toBe(false);
  });

  it('emergency with nobody on duty: guidance at once, the alarm raised with the card, never a callback form; finish goes back to the start', async () => {
    const staff = { office: { zh: 'B出口旁客服中心', en: 'Service centre by exit B' }, phone: '020-8888 1234' };
    const x = (h = sessionHarness({ checkBlocklist: () => Promise.resolve(null) }, { stationStaff: () => staff }));
    x.send({ type: 'CARD.READ', snapshot });
    x.send({ type: 'CALL.EMERGENCY' });
    // At once, before any call is set up or the alarm stored.
    expect(x.call.connected).toBe(false);
    expect(x.screen()).toMatchObject({ screen: 'call', emergency: { staffOffice: staff.office, staffPhone: staff.phone, alarm: 'sending', video: 'calling' } });
    await settle();
    expect(x.call.alarms).toHaveLength(1);
    const alarm = x.call.alarms[0]!;
    expect(alarm.card?.masked).toBe('3105 **** **** 7984');
    expect(alarm.raisedAt).toBe(new Date(x.clock.now()).toISOString());
    expect(x.call.connected).toBe(true);
    x.call.central({ type: 'CENTRAL.FALLBACK', reason: 'no-agent' });
    await settle();
    expect(x.screen()).toMatchObject({ screen: 'call', emergency: { video: 'no-agent', alarm: 'sending' } });
    for (const e of [{ type: 'SKIP' }, { type: 'SUBMIT' }, { type: 'KEY.PRESS', key: '1' }] as const) x.send(e);
    expect(x.ports.calls.filter((c) => c.port === 'createTicket')).toEqual([]);
    expect(JSON.stringify(x.screen())).not.toContain('callback');
    // Another kiosk's alarm changes nothing here; ours does.
    x.send({ type: 'ALARM.STATUS', alarmId: 'someone-else', status: 'acknowledged', by: 'agent' });
    expect(x.screen()).toMatchObject({ emergency: { alarm: 'sending' } });
    x.send({ type: 'ALARM.STATUS', alarmId: alarm.alarmId, status: 'received' });
    expect(x.screen()).toMatchObject({ emergency: { alarm: 'received' } });
    x.send({ type: 'ALARM.STATUS', alarmId: alarm.alarmId, status: 'acknowledged', by: 'staff' });
    expect(x.screen()).toMatchObject({ emergency: { alarm: 'staff-coming' } });
    x.send({ type: 'NEXT' });
    await settle();
    expect(x.screen().screen).toBe('attract');
  });

  it('emergency while the alarm cannot even be stored: the guidance stays and says plainly the control centre could not be reached', async () => {
    const x = (h = sessionHarness());
    x.call.alarmFails = true;
    x.send({ type: 'CALL.EMERGENCY' });
    await settle();
    expect(x.screen()).toMatchObject({ screen: 'call', emergency: { alarm: 'unreachable', staffOffice: null, staffPhone: null } });
    x.call.central({ type: 'CENTRAL.OFFLINE' });
    await settle();
    expect(x.screen()).toMatchObject({ emergency: { alarm: 'unreachable', video: 'no-agent' } });
  });

  it('emergency answered by an agent: the call shows inside the emergency screen and finish waits for the call to end', async () => {
    const x = (h = sessionHarness());
    x.send({ type: 'CALL.EMERGENCY' });
    await settle();
    x.call.central({ type: 'CENTRAL.RINGING', callId: 'c1', media: null });
    x.call.central({ type: 'CENTRAL.CONNECTED', callId: 'c1', agentName: 'Li', media: { signallingUrl: 'ws://127.0.0.1:1/calls/media?token=t', iceServers: [] } });
    expect(x.screen()).toMatchObject({ screen: 'call', view: { phase: 'in-call', lane: 'emergency' }, emergency: { video: 'in-call' } });
    x.send({ type: 'NEXT' });
    expect(x.screen()).toMatchObject({ emergency: { video: 'in-call' } });
    x.send({ type: 'CALL.HANGUP' });
    await settle();
    expect(x.call.commands).toContainEqual({ type: 'LEAVE', reason: 'hung-up' });
    expect(x.screen()).toMatchObject({ screen: 'call', emergency: { video: 'ended' } });
  });
});
