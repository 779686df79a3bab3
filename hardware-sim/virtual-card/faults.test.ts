import { describe, expect, it } from 'vitest';
import { cardFaultsProblems, decideFault, randomGarbage } from './faults.js';

const SELECT = '00A4040008A00000063201010500';

describe('decideFault', () => {
  it('answers normally without faults', () => {
    expect(decideFault(undefined, 1, 'FFCA000000')).toEqual({ action: { kind: 'answer' }, delayMs: 0 });
  });

  it('removes the card at APDU N+1 for removeAfterApdus N, the UID pseudo-APDU counting as 1', () => {
    const faults = { removeAfterApdus: 2 };
    expect(decideFault(faults, 1, 'FFCA000000').action.kind).toBe('answer');
    expect(decideFault(faults, 2, SELECT).action.kind).toBe('answer');
    expect(decideFault(faults, 3, '805C000204').action.kind).toBe('remove');
    expect(decideFault({ removeAfterApdus: 0 }, 1, 'FFCA000000').action.kind).toBe('remove');
  });

  it('matches selectors by number, from a number on, and by command prefix', () => {
    const faults = { mute: [{ apdu: 3 }], short: [{ fromApdu: 5 }], garbage: [{ command: '00 A4 04', answer: 'DEAD' }] };
    expect(decideFault(faults, 2, SELECT).action).toEqual({ kind: 'garbage', bytes: Uint8Array.of(0xde, 0xad) });
    expect(decideFault(faults, 2, '805C000204').action.kind).toBe('answer');
    expect(decideFault(faults, 3, '805C000204').action.kind).toBe('mute');
    expect(decideFault(faults, 4, '805C000204').action.kind).toBe('answer');
    expect(decideFault(faults, 6, '805C000204').action.kind).toBe('short');
  });

  it('ranks remove over mute over garbage over short, and adds delays up', () => {
    const all = { removeAfterApdus: 9, mute: [{}], garbage: [{}], short: [{}], delayMs: 10, delays: [{ ms: 5, command: 'FFCA' }, { ms: 7, apdu: 1 }] };
    expect(decideFault(all, 10, 'FFCA000000').action.kind).toBe('remove');
    expect(decideFault(all, 1, 'FFCA000000')).toEqual({ action: { kind: 'mute' }, delayMs: 22 });
    expect(decideFault({ garbage: [{}], short: [{}] }, 1, 'X').action.kind).toBe('garbage');
    expect(decideFault({ delayMs: 10, delays: [{ ms: 5, command: 'FFCA' }] }, 2, SELECT).delayMs).toBe(10);
  });

  it('makes random garbage that never ends in 90 00, 61 xx or 6C xx', () => {
    for (let i = 0; i < 500; i++) {
      const g = randomGarbage();
      expect(g.length).toBeGreaterThanOrEqual(3);
      expect([0x90, 0x61, 0x6c]).not.toContain(g[g.length - 2]);
    }
  });
});

describe('cardFaultsProblems', () => {
  it('accepts every kind of fault', () => {
    expect(cardFaultsProblems({ removeAfterApdus: 3, delayMs: 100, delays: [{ ms: 50, apdu: 2 }], garbage: [{ fromApdu: 2 }, { command: '00A4', answer: '6F' }], short: [{ apdu: 4 }], mute: [{ command: '805C' }] })).toEqual([]);
  });
  it('names every bad field', () => {
    expect(cardFaultsProblems([])).toEqual(['faults: must be an object']);
    expect(cardFaultsProblems({ removeAfterApdus: -1, delayMs: 'x', bogus: 1, garbage: [{ answer: 'zz', apdu: 0 }], mute: {}, delays: [{}] })).toEqual([
      'faults.bogus: unknown field',
      'faults.removeAfterApdus: must be an integer ≥ 0',
      'faults.delayMs: must be an integer ≥ 0',
      'faults.delays[0].ms: must be an integer ≥ 0',
      'faults.garbage[0].apdu: must be an integer ≥ 1',
      'faults.garbage[0].answer: must be non-empty hex bytes',
      'faults.mute: must be a list',
    ]);
  });
});
