import type { CardReaderEvent } from '../../shared/card-reader.js';
import type { DeviceUpdate, HelpButton, ReceiptPrinter } from '../../shared/devices.js';
import type { SelfTestOutcome } from './maintenance-service.js';

/** How long a self-test waits for the technician to tap, scan or press. */
export const SELF_TEST_WAIT_MS = 30_000;

type Subscribe<E> = (listener: (event: E) => void) => () => void;

/** Resolves with the first event `pick` accepts, or with `onTimeout` after `waitMs`. */
function waitFor<E>(subscribe: Subscribe<E>, pick: (e: E) => SelfTestOutcome | null, waitMs: number, onTimeout: () => SelfTestOutcome): Promise<SelfTestOutcome> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      stop();
      resolve(onTimeout());
    }, waitMs);
    const stop = subscribe((e) => {
      const outcome = pick(e);
      if (!outcome) return;
      clearTimeout(timer);
      stop();
      resolve(outcome);
    });
  });
}

/** Prints a short test receipt; the outcome is the printer's answer. */
export function printerSelfTest(printer: ReceiptPrinter, kioskId: string, now: () => Date): () => Promise<SelfTestOutcome> {
  return async () => {
    const r = await printer.print({
      blocks: [
        { kind: 'text', text: '测试打印 TEST PRINT', align: 'center', bold: true },
        { kind: 'text', text: `${kioskId} ${now().toISOString()}`, align: 'center' },
      ],
    });
    return r.ok ? { ok: true, code: 'printed', detail: 'test receipt printed' } : { ok: false, code: r.error.code, detail: r.error.message };
  };
}

/** Waits for a card to be read on any reader; tells the family only, never the number. */
export function cardReaderSelfTest(subscribe: Subscribe<CardReaderEvent>, waitMs = SELF_TEST_WAIT_MS): () => Promise<SelfTestOutcome> {
  return () =>
    waitFor(
      subscribe,
      (e) => {
        switch (e.type) {
          case 'card-summary':
            if (e.summary.family === null) return null; // told by the card-read that follows
            return { ok: true, code: 'read', detail: `read a ${e.summary.family} card on ${e.reader}`, facts: { family: e.summary.family, reader: e.reader } };
          case 'card-read':
            return { ok: true, code: 'read', detail: `read a ${e.snapshot.family} card on ${e.reader}`, facts: { family: e.snapshot.family, reader: e.reader } };
          case 'card-error':
            return { ok: false, code: e.error.code, detail: `card on ${e.reader} could not be read`, facts: { reader: e.reader } };
          default:
            return null;
        }
      },
      waitMs,
      () => ({ ok: false, code: 'no-card', detail: 'no test card was tapped' }),
    );
}

/** Waits for one scan; tells the length and symbology, never the content. */
export function scannerSelfTest(subscribe: Subscribe<DeviceUpdate>, waitMs = SELF_TEST_WAIT_MS): () => Promise<SelfTestOutcome> {
  return () =>
    waitFor(
      subscribe,
      (u) =>
        u.type === 'qr-scan'
          ? { ok: true, code: 'scanned', detail: `${[...u.scan.text].length} characters (${u.scan.symbology ?? 'unknown symbology'})`, facts: { characters: [...u.scan.text].length, symbology: u.scan.symbology } }
          : null,
      waitMs,
      () => ({ ok: false, code: 'no-scan', detail: 'no test code was scanned' }),
    );
}

/** Waits until each help button was pressed once. */
export function helpButtonsSelfTest(subscribe: Subscribe<DeviceUpdate>, buttons: readonly HelpButton[], waitMs = SELF_TEST_WAIT_MS): () => Promise<SelfTestOutcome> {
  return () => {
    const pressed = new Set<HelpButton>();
    return waitFor(
      subscribe,
      (u) => {
        if (u.type !== 'help-button') return null;
        pressed.add(u.press.button);
        return buttons.every((b) => pressed.has(b)) ? { ok: true, code: 'all-pressed', detail: `pressed: ${[...pressed].join(', ')}`, facts: { pressed: [...pressed], expected: buttons } } : null;
      },
      waitMs,
      () => ({ ok: false, code: 'not-all-pressed', detail: `pressed: ${[...pressed].join(', ') || 'none'}; expected ${buttons.join(', ')}`, facts: { pressed: [...pressed], expected: buttons } }),
    );
  };
}
