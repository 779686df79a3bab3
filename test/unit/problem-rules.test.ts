import { describe, expect, it } from 'vitest';
import { ProblemDetector } from '../../central/problems/detector.js';
import { DEFAULT_PROBLEM_RULES, checkProblemRules, describeProblemRules, firstRun, problemRulesFromSettings, scopeKey } from '../../central/problems/rules.js';
import type { ProblemStore } from '../../central/problems/store.js';
import { kioskFaultTitle, stationCategoryTitle, stationWords, windowWords } from '../../central/problems/words.js';
import type { ValidItem } from '../../central/storage/types.js';
import type { Ticket } from '../../shared/ticket.js';

const H = 3_600_000;

describe('firstRun: where a run of reports first reaches the threshold within the window', () => {
  it('counts a run whose first and last report are exactly the window apart', () => {
    expect(firstRun([0, 12 * H, 24 * H], 3, 24 * H)).toBe(0);
  });
  it('does not count a run one millisecond wider than the window', () => {
    expect(firstRun([0, 12 * H, 24 * H + 1], 3, 24 * H)).toBe(-1);
  });
  it('finds a later run when the early reports are too spread out', () => {
    expect(firstRun([0, 30 * H, 40 * H, 41 * H], 3, 24 * H)).toBe(1);
  });
  it('needs the threshold: fewer reports never make a run', () => {
    expect(firstRun([0, 1, 2, 3], 5, H)).toBe(-1);
    expect(firstRun([], 3, H)).toBe(-1);
  });
  it('five tickets in an hour at a station: the fifth at 60:00 counts, at 60:00.001 not', () => {
    const m = 60_000;
    expect(firstRun([0, 10 * m, 20 * m, 30 * m, 60 * m], 5, 60 * m)).toBe(0);
    expect(firstRun([0, 10 * m, 20 * m, 30 * m, 60 * m + 1], 5, 60 * m)).toBe(-1);
  });
});

describe('problem rules', () => {
  it('defaults: the same fault 3 times in 24 h at one kiosk; 5 tickets of one category in 1 h at one station; device faults and suggestions not watched per station', () => {
    expect(DEFAULT_PROBLEM_RULES).toMatchObject({ faultRepeats: 3, faultWindowHours: 24, categoryTickets: 5, categoryWindowMinutes: 60 });
    expect(DEFAULT_PROBLEM_RULES.categories).toContain('gate');
    expect(DEFAULT_PROBLEM_RULES.categories).not.toContain('device-fault');
    expect(DEFAULT_PROBLEM_RULES.categories).not.toContain('suggestion');
  });
  it('refuses rules that make no sense, with every reason', () => {
    const checked = checkProblemRules({ faultRepeats: 1, categoryWindowMinutes: 0, categories: ['gate', 'nonsense' as 'gate'] });
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.problems).toHaveLength(3);
    expect(checked.problems.join('\n')).toMatch(/faultRepeats.*2 to 1000/);
    expect(checked.problems.join('\n')).toMatch(/nonsense is not a ticket category/);
  });
  it('one key per scope: kiosk and fault, or station and category; text that looks like a separator cannot make two scopes one', () => {
    expect(scopeKey({ kind: 'kiosk-fault', kioskId: 'A', device: 'printer', fault: 'x' })).not.toBe(scopeKey({ kind: 'kiosk-fault', kioskId: 'A', device: 'printer:x', fault: '' }));
    expect(scopeKey({ kind: 'station-category', stationId: 'S', category: 'gate' })).not.toBe(scopeKey({ kind: 'station-category', stationId: 'S ', category: 'gate' }));
  });
});

describe('problem words', () => {
  it('say what repeats where, in both languages, without codes', () => {
    const tiyu = stationWords('GZ-TIYUXILU', { zh: '体育西路', en: 'Tiyu Xilu' });
    const t = kioskFaultTitle({ kioskId: 'GZ0102', station: tiyu, device: 'printer', fault: 'paper-out', threshold: 3, windowMinutes: 24 * 60 });
    expect(t.zh).toBe('终端 GZ0102（体育西路站）的凭条打印机反复出现“缺纸”：24 小时内 3 次以上');
    expect(t.en).toBe('Receipt printer at kiosk GZ0102 (Tiyu Xilu station) keeps failing — out of paper: 3 or more times within 24 hours');
    const s = stationCategoryTitle({ station: tiyu, category: 'gate', threshold: 5, windowMinutes: 60 });
    expect(s.zh).toBe('体育西路站的“闸机”工单集中出现：1 小时内 5 张以上');
    expect(s.en).toBe('Many “Gate” reports at Tiyu Xilu station: 5 or more within 1 hour');
    // A station the stations table does not have: named by its id, said to be a station.
    expect(stationWords('GZ-NEW', null)).toEqual({ zh: '车站 GZ-NEW', en: 'station GZ-NEW' });
    expect(stationWords('X', { zh: '西朗站', en: 'Xilang Station' })).toEqual({ zh: '西朗站', en: 'Xilang Station' });
  });
  it('name a fault or device they do not know in words, never by its code', () => {
    const t = kioskFaultTitle({ kioskId: 'K1', station: null, device: 'x-widget', fault: 'e-4711', threshold: 3, windowMinutes: 90 });
    expect(t.zh).not.toMatch(/x-widget|e-4711/);
    expect(t.en).not.toMatch(/x-widget|e-4711/);
    expect(t.en).toContain('A device at kiosk K1');
    expect(windowWords(90)).toEqual({ zh: '90 分钟', en: '90 minutes' });
  });
});

describe('which scopes a stored batch touches', () => {
  const detector = new ProblemDetector({ store: {} as ProblemStore, rules: DEFAULT_PROBLEM_RULES, now: () => new Date() });
  const ticketOf = (over: Partial<Ticket>): ValidItem => ({
    item: { id: `i-${Math.random()}`, seq: 1, createdAt: '2026-11-30T10:00:00Z', payload: { kind: 'rating' } as never },
    payload: {
      kind: 'ticket',
      ticket: { id: 'GZ0102-261130-0001-0', category: 'gate', description: 'x', phone: null, card: null, stationId: 'GZ-TIYUXILU', kioskId: 'GZ0102', createdAt: '2026-11-30T10:00:00Z', language: 'zh', ...over } as Ticket,
    },
  });
  it('a fault report, a watched ticket and a device-fault ticket each name their scope, looking back one window from their own time', () => {
    const fault: ValidItem = {
      item: { id: 'f1', seq: 2, createdAt: '2026-11-30T10:00:00Z', payload: { kind: 'rating' } as never },
      payload: { kind: 'device-event', event: { device: 'printer', event: 'paper-out', severity: 'fault', detail: null } },
    };
    const cleared: ValidItem = { ...fault, payload: { kind: 'device-event', event: { device: 'printer', event: 'paper-out', severity: 'cleared', detail: null } } };
    const scopes = detector.scopesOf('GZ0102', [fault, cleared, ticketOf({}), ticketOf({ category: 'suggestion' }), ticketOf({ category: 'device-fault', faultKey: 'cabinet:door-open' })]);
    expect(scopes.map((s) => s.scope)).toEqual([
      { kind: 'kiosk-fault', kioskId: 'GZ0102', device: 'printer', fault: 'paper-out' },
      { kind: 'station-category', stationId: 'GZ-TIYUXILU', category: 'gate' },
      { kind: 'kiosk-fault', kioskId: 'GZ0102', device: 'cabinet', fault: 'door-open' },
    ]);
    const t0 = Date.parse('2026-11-30T10:00:00Z');
    expect(scopes.map((s) => t0 - s.sinceMs)).toEqual([24 * H, H, 24 * H]);
  });
});

describe('problem rules from central serve flags and environment', () => {
  const settings = (given: Record<string, string>) => (flag: string, env: string): string | undefined => given[flag] ?? given[env];

  it('takes each rule over its default, flags and variables alike', () => {
    const r = problemRulesFromSettings(settings({ 'problem-fault-repeats': '2', CENTRAL_PROBLEM_CATEGORY_WINDOW_MINUTES: '15', 'problem-categories': 'gate, card-problem' }));
    expect(r).toEqual({
      ok: true,
      rules: { ...DEFAULT_PROBLEM_RULES, faultRepeats: 2, categoryWindowMinutes: 15, categories: ['gate', 'card-problem'] },
      given: { faultRepeats: 2, categoryWindowMinutes: 15, categories: ['gate', 'card-problem'] },
    });
  });

  it('nothing given: the defaults', () => {
    expect(problemRulesFromSettings(settings({}))).toEqual({ ok: true, rules: DEFAULT_PROBLEM_RULES, given: {} });
  });

  it('refuses every wrong value at once, each naming its flag, its meaning and what it may be', () => {
    const r = problemRulesFromSettings(
      settings({ 'problem-fault-repeats': '1', 'problem-fault-window-hours': '2.5', 'problem-category-tickets': 'five', 'problem-category-window-minutes': '-3', 'problem-categories': 'gate,gates' }),
    );
    expect(r.ok).toBe(false);
    const problems = r.ok ? [] : r.problems;
    expect(problems).toEqual([
      '--problem-fault-repeats (CENTRAL_PROBLEM_FAULT_REPEATS) is the times the same device fault must come at one kiosk: a whole number from 2 to 1000, not "1"',
      '--problem-fault-window-hours (CENTRAL_PROBLEM_FAULT_WINDOW_HOURS) is the hours those faults must fall within: a whole number from 1 to 720, not "2.5"',
      '--problem-category-tickets (CENTRAL_PROBLEM_CATEGORY_TICKETS) is the tickets of one category at one station: a whole number from 2 to 10000, not "five"',
      '--problem-category-window-minutes (CENTRAL_PROBLEM_CATEGORY_WINDOW_MINUTES) is the minutes those tickets must fall within: a whole number from 1 to 10080, not "-3"',
      expect.stringMatching(/^--problem-categories \(CENTRAL_PROBLEM_CATEGORIES\) is the ticket categories the station rule watches, comma-separated, from: card-problem, gate, .*; not a category: "gates"$/),
    ]);
  });

  it('refuses an empty category list and values past the bounds', () => {
    const r = problemRulesFromSettings(settings({ 'problem-categories': ' , ', 'problem-fault-repeats': '1001', 'problem-category-window-minutes': '0' }));
    expect(r.ok ? [] : r.problems.map((p) => p.split(' ')[0])).toEqual(['--problem-fault-repeats', '--problem-category-window-minutes', '--problem-categories']);
    expect(r.ok ? '' : r.problems[2]).toMatch(/none was given$/);
  });

  it('says the rules in words for the start-up line', () => {
    expect(describeProblemRules({ ...DEFAULT_PROBLEM_RULES, faultRepeats: 4, categories: ['gate'] })).toBe(
      'a problem opens at 4 of the same device fault within 24 h at one kiosk, or 5 tickets of one category within 60 min at one station (gate)',
    );
  });
});
