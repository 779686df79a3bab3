// A kiosk's reader is given the card family of its station's city: the first card of the day on a
// fresh reader host (nothing read yet, or just restarted), if it is the city's own, shows its
// balance after as few APDUs as a reader warmed by an earlier card of that family. Counted on what
// the virtual card saw through nfc-pcsc → pcscd → vpcd.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { CardFamily } from '../../shared/card.js';
import { homeFamilyOf } from '../../kiosk/diagnosis/acceptance.js';
import { startCardService, tapAndRead } from '../support/pcsc-card.js';
import { cardImageNamed, loadPublishedCards } from '../support/published-cards.js';
import type { CardImage } from '../../hardware-sim/virtual-card/index.js';

const published = await loadPublishedCards();
const run = promisify(execFile);

/** APDUs the card saw up to the fast path's last GET BALANCE, on the first tap of a fresh reader service. */
async function firstTap(cardName: string, homeFamily: CardFamily | null): Promise<{ before: number; family: string; commands: string }> {
  const image = await cardImageNamed(cardName, published);
  const { service, log } = await startCardService({ homeFamily });
  try {
    const read = await tapAndRead(log, image);
    expect(read.outcome.type, JSON.stringify(read.outcome)).toBe('card-read');
    return { before: read.before, family: read.family, commands: read.commands.slice(0, read.before).join(' ') };
  } finally {
    await service.stop();
  }
}

describe("the station's own card family on a fresh reader", () => {
  it.each([
    ['5810', 'Guangzhou', 'lingnan-pass-cardemulator', 'lingnan-pass', 3],
    ['5840', 'Shenzhen', 'shenzhen-tong-nfsee', 'shenzhen-tong', 3],
    ['5210', 'Wuhan', 'wuhan-tong', 'wuhan-tong', 3],
    ['1000', 'Beijing', 'beijing-nfsee', 'beijing', 3],
  ] as const)('a kiosk in city %s (%s): the first %s card (%s) shows its balance within %s APDUs', async (city, _name, cardName, family, most) => {
    const read = await firstTap(cardName, homeFamilyOf(city));
    expect(read.family).toBe(family);
    expect(read.before, read.commands).toBeLessThanOrEqual(most);
  });

  it('without the hint the same first Lingnan Pass card costs the refused SELECTs of the other families first', async () => {
    const read = await firstTap('lingnan-pass-cardemulator', null);
    expect(read.family).toBe('lingnan-pass');
    expect(read.before, read.commands).toBeGreaterThan(3);
  });
});

describe('the family of a card with the same ATR, remembered by the reader service', () => {
  it("a second visitor's Lingnan Pass card reads warm after cards of other families, when a first one with the same ATR was read before", async () => {
    // Historical bytes made up (no source publishes its card's ATR): two Lingnan Pass cards that
    // share theirs, other families' cards with others.
    const withHistory = async (name: string, historicalBytes: string): Promise<CardImage> => ({ ...(await cardImageNamed(name, published)), historicalBytes });
    const lingnan = await withHistory('lingnan-pass-cardemulator', '4C4E');
    const tUnion = await withHistory('t-union-nfsee', '5455');
    const shenzhen = await withHistory('shenzhen-tong-nfsee', '535A');
    const { service, log } = await startCardService();
    const taps: { family: string; before: number; atr: string }[] = [];
    try {
      for (const image of [lingnan, tUnion, shenzhen, lingnan]) {
        const read = await tapAndRead(log, image);
        expect(read.outcome.type, JSON.stringify(read.outcome)).toBe('card-read');
        taps.push({ family: read.family, before: read.before, atr: read.atr });
      }
    } finally {
      await service.stop();
    }
    expect(taps.map((t) => t.family)).toEqual(['lingnan-pass', 't-union', 'shenzhen-tong', 'lingnan-pass']);
    // pcscd gave both Lingnan Pass cards the same ATR, and the others other ATRs
    expect(taps[3]!.atr).toBe(taps[0]!.atr);
    expect(new Set(taps.map((t) => t.atr)).size).toBe(3);
    // the first: three refused SELECTs (T-Union, City Union, DF 1001) before PAY.TICL; the second, after a Shenzhen Tong card: none but T-Union's
    expect(taps.map((t) => t.before)).toEqual([5, 3, 4, 3]);
  });

  it('the reader host killed and restarted by its supervisor still knows the ATR: the next Lingnan Pass card after a T-Union card reads warm', async () => {
    const lingnan: CardImage = { ...(await cardImageNamed('lingnan-pass-cardemulator', published)), historicalBytes: '4C4E' };
    const tUnion: CardImage = { ...(await cardImageNamed('t-union-nfsee', published)), historicalBytes: '5455' };
    const { service, log } = await startCardService();
    const tap = async (image: CardImage): Promise<{ family: string; before: number }> => {
      const read = await tapAndRead(log, image);
      expect(read.outcome.type, JSON.stringify(read.outcome)).toBe('card-read');
      return { family: read.family, before: read.before };
    };
    try {
      const first = await tap(lingnan);
      // the host process dies (as a native fault would kill it); its supervisor starts another
      const { stdout } = await run('pgrep', ['-P', String(process.pid), '-f', 'reader-host']);
      const pids = stdout.trim().split('\n').filter((p) => p !== '');
      expect(pids).toHaveLength(1);
      log.mark();
      process.kill(Number(pids[0]), 'SIGKILL');
      await log.next('reader-removed');
      await log.next('reader-added');
      const { stdout: after } = await run('pgrep', ['-P', String(process.pid), '-f', 'reader-host']);
      expect(after.trim()).not.toBe(pids[0]);
      const between = await tap(tUnion);
      const again = await tap(lingnan);
      expect([first, between, again]).toEqual([
        { family: 'lingnan-pass', before: 5 },
        { family: 't-union', before: 3 },
        { family: 'lingnan-pass', before: 3 },
      ]);
    } finally {
      await service.stop();
    }
  });
});
