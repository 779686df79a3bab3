// pcscd going away and coming back while the reader service runs (disturbs every PC/SC user briefly).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SupervisedCardReaderService } from '../../driver/pcsc/supervised-service.js';
import { CARD_SLOT, WAIT_MS, startCardService, tapCard, type CardEventLog } from '../support/pcsc-card.js';

const run = promisify(execFile);
const PCSCD_SH = fileURLToPath(new URL('../../scripts/pcscd.sh', import.meta.url));
const pcscd = (action: 'stop' | 'ensure' | 'restart') => run('bash', [PCSCD_SH, action]);

let service: SupervisedCardReaderService;
let log: CardEventLog;

beforeAll(async () => {
  await pcscd('ensure');
  ({ service, log } = await startCardService({ pcscdPollMs: 200 }));
});
afterAll(async () => {
  await pcscd('ensure');
  await service?.stop();
});

async function readsAGuangzhouCard(): Promise<void> {
  log.mark();
  const card = await tapCard('t-union-guangzhou-ok');
  try {
    const read = await log.next('card-read');
    expect(read.snapshot.cardNumber).toBe('3105810100012347984');
  } finally {
    await card.remove();
    await log.next('card-removed');
  }
}

describe('reader service across pcscd outages, same process', () => {
  it('reads before the outage', readsAGuangzhouCard);

  it('reports the reader gone and pcscd down while pcscd is stopped, with the event loop free', async () => {
    log.mark();
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 20);
    try {
      await pcscd('stop');
      const removed = await log.next('reader-removed');
      expect(removed.reader).toBe(CARD_SLOT.reader);
      await vi.waitFor(() => expect(service.health().state).toBe('pcscd-down'), { timeout: WAIT_MS, interval: 100 });
      expect(service.readers()).toEqual([]);
      const before = ticks;
      await vi.waitFor(() => expect(ticks).toBeGreaterThan(before + 5), { timeout: WAIT_MS, interval: 50 });
    } finally {
      clearInterval(ticker);
    }
  });

  it('finds the reader again when pcscd is back and reads a card', async () => {
    log.mark();
    await pcscd('ensure');
    const added = await log.next('reader-added');
    expect(added.reader).toBe(CARD_SLOT.reader);
    expect(service.health()).toEqual({ state: 'ok', readers: [CARD_SLOT.reader] });
    await readsAGuangzhouCard();
  });

  it('recovers from a quick pcscd restart (the old PC/SC context is dead)', async () => {
    log.mark();
    await pcscd('restart');
    await log.next('reader-added');
    const types = log.since().map((e) => e.type);
    expect(types.indexOf('reader-removed')).toBeGreaterThanOrEqual(0);
    expect(types.lastIndexOf('reader-added')).toBeGreaterThan(types.indexOf('reader-removed'));
    await readsAGuangzhouCard();
  });
});
