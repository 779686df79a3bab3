// `kiosk card read` as a technician runs it: a child process on the real PC/SC stack.
import { describe, expect, it } from 'vitest';
import { loadCardImage } from '../../hardware-sim/virtual-card/index.js';
import { CARD_SLOT, tapCard } from '../support/pcsc-card.js';
import { runKioskCli, type CliRun } from '../support/run-cli.js';


type Run = CliRun;
const kiosk = (args: string[]): Promise<Run> => runKioskCli(args);

const noStackTrace = (r: Run): void => {
  expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
};

describe('kiosk card read', () => {
  // First, before any tap of this file: pcscd notices a card taken away only at its next poll, so
  // a read started right after another test's removal may still find that card present.
  it('exits 4 with no-card when nothing is tapped before the timeout', async () => {
    const r = await kiosk(['card', 'read', '--reader', CARD_SLOT.reader, '--timeout', '2', '--json']);
    noStackTrace(r);
    expect(r.code).toBe(4);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'no-card' } });
  });

  it('prints one JSON object for a T-Union card and exits 0', async () => {
    const image = await loadCardImage('t-union-open-trip');
    const card = await tapCard(image);
    try {
      const r = await kiosk(['card', 'read', '--reader', CARD_SLOT.reader, '--timeout', '20', '--json', '--city', '5810']);
      noStackTrace(r);
      expect(r.code).toBe(0);
      const lines = r.stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      const out = JSON.parse(lines[0]!) as Record<string, unknown> & { transactions: { time: string | null }[]; trips: { kind: string; time: string }[]; diagnosis: { code: string }[] };
      expect(out).toMatchObject({
        family: 't-union',
        cardNumber: image.expected.cardNumber,
        cityCode: image.expected.cityCode,
        validFrom: image.expected.validFrom,
        validUntil: image.expected.validUntil,
        balance: image.expected.balance,
        currency: 'CNY',
      });
      expect(out.transactions).toHaveLength(image.expected.transactions!);
      expect(out.trips).toHaveLength(image.expected.trips!);
      expect(out.trips[0]).toMatchObject({ kind: 'entry', time: image.expected.notes?.['openTripTime'] });
      expect(out.transactions.every((t) => t.time === null || t.time.endsWith('+08:00'))).toBe(true);
      expect(out.diagnosis.map((d) => d.code)).toEqual(image.expected.diagnosis);
    } finally {
      await card.remove();
    }
  });

  it('exits 3 with unsupported-card for a card it cannot serve', async () => {
    const card = await tapCard('non-transit');
    try {
      const r = await kiosk(['card', 'read', '--reader', CARD_SLOT.reader, '--timeout', '20', '--json']);
      noStackTrace(r);
      expect(r.code).toBe(3);
      expect(JSON.parse(r.stdout)).toEqual({ error: { code: 'unsupported-card', message: 'not a supported transit card' } });
    } finally {
      await card.remove();
    }
  });

  it('exits 4 with no-reader when the named reader does not exist', async () => {
    const r = await kiosk(['card', 'read', '--reader', 'No Such Reader 99', '--timeout', '2', '--json']);
    noStackTrace(r);
    expect(r.code).toBe(4);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'no-reader' } });
  });

  it('prints plain labelled lines without --json', async () => {
    const card = await tapCard('t-union-low-balance');
    try {
      const r = await kiosk(['card', 'read', '--reader', CARD_SLOT.reader, '--timeout', '20', '--low-balance', '500']);
      noStackTrace(r);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Number        3105810100050500044');
      expect(r.stdout).toContain('Balance       ¥1.50');
      expect(r.stdout).toContain('low balance (¥1.50 < ¥5.00)');
    } finally {
      await card.remove();
    }
  });
});
