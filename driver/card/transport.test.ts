import { describe, expect, it } from 'vitest';
import { fromHex } from './bytes.js';
import { CardIoError } from './errors.js';
import { ScriptedTransport } from './scripted-transport.js';
import { CardChannel } from './transport.js';

const READ = fromHex('00B0950000');

async function failure(p: Promise<unknown>): Promise<CardIoError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  if (!(e instanceof CardIoError)) throw new Error(`expected a CardIoError, got ${String(e)}`);
  return e;
}

describe('CardChannel', () => {
  it('splits data and SW and counts APDUs', async () => {
    const ch = new CardChannel(new ScriptedTransport([{ command: '00B0950000', response: '01029000' }]));
    const r = await ch.send(READ);
    expect([Buffer.from(r.data).toString('hex'), r.sw, ch.apduCount]).toEqual(['0102', 0x9000, 1]);
  });

  it('a 0-byte answer is card-removed; a 1-byte answer is unreadable-card', async () => {
    expect((await failure(new CardChannel(new ScriptedTransport([{ command: '00B0950000', response: '' }])).send(READ))).code).toBe('card-removed');
    expect((await failure(new CardChannel(new ScriptedTransport([{ command: '00B0950000', response: '90' }])).send(READ))).code).toBe('unreadable-card');
  });

  it('times out a command that gets no answer', async () => {
    const ch = new CardChannel(new ScriptedTransport([{ command: '00B0950000', hang: true }]), { commandTimeoutMs: 30 });
    const e = await failure(ch.send(READ));
    expect([e.code, e.detail]).toEqual(['timeout', '00B0950000']);
  });

  it('gives up on an endless 61xx chain', async () => {
    const steps = [{ command: '00B0950000', response: '6101' }, ...Array.from({ length: 16 }, () => ({ command: '00C0000001', response: 'AA6101' }))];
    const ch = new CardChannel(new ScriptedTransport(steps));
    expect((await failure(ch.send(READ))).code).toBe('unreadable-card');
    expect(ch.apduCount).toBe(17);
  });

  it('resends with the Le the card asked for', async () => {
    const ch = new CardChannel(
      new ScriptedTransport([
        { command: '00B0950000', response: '6C02' },
        { command: '00B0950002', response: '01029000' },
      ]),
    );
    const r = await ch.send(READ);
    expect([r.data.length, r.sw, ch.apduCount]).toEqual([2, 0x9000, 2]);
  });
});
