/**
 * The rules that turn repeated reports into one problem, as pure functions: what a rule counts,
 * the window it counts in, and where a run of reports first reaches the threshold.
 *
 * Two rules:
 * - **kiosk fault**: the same device fault (device and fault, as the kiosk's fault monitor raises
 *   it: a device event of severity `fault`) at one kiosk at least `faultRepeats` times within
 *   `faultWindowHours`;
 * - **station category**: at least `categoryTickets` passenger tickets of one category at one
 *   station within `categoryWindowMinutes` (e.g. many "gate did not open" reports in an hour).
 * Times are the kiosk's own (when the fault was raised, when the passenger reported), so a kiosk
 * that was offline and sends an hour's reports at once is judged by when they happened.
 */
import { TICKET_CATEGORIES, type TicketCategory } from '../../shared/ticket.js';

export interface ProblemRules {
  /** Times the same fault must be raised at one kiosk. Default 3. */
  readonly faultRepeats: number;
  /** …within this many hours. Default 24. */
  readonly faultWindowHours: number;
  /** Tickets of one category at one station. Default 5. */
  readonly categoryTickets: number;
  /** …within this many minutes. Default 60. */
  readonly categoryWindowMinutes: number;
  /** The categories the station rule watches. Default: every passenger category but suggestions (device faults have their own rule). */
  readonly categories: readonly TicketCategory[];
}

export const DEFAULT_PROBLEM_RULES: ProblemRules = {
  faultRepeats: 3,
  faultWindowHours: 24,
  categoryTickets: 5,
  categoryWindowMinutes: 60,
  categories: TICKET_CATEGORIES.filter((c) => c !== 'device-fault' && c !== 'suggestion'),
};

/** The rules with `partial` over the defaults, or every reason they are wrong. */
export function checkProblemRules(partial: Partial<ProblemRules>): { ok: true; rules: ProblemRules } | { ok: false; problems: string[] } {
  const rules = { ...DEFAULT_PROBLEM_RULES, ...partial };
  const problems: string[] = [];
  const whole = (name: keyof ProblemRules, v: number, min: number, max: number): void => {
    if (!Number.isInteger(v) || v < min || v > max) problems.push(`${name} must be a whole number from ${min} to ${max} (got ${String(v)})`);
  };
  whole('faultRepeats', rules.faultRepeats, 2, 1000);
  whole('faultWindowHours', rules.faultWindowHours, 1, 24 * 30);
  whole('categoryTickets', rules.categoryTickets, 2, 10_000);
  whole('categoryWindowMinutes', rules.categoryWindowMinutes, 1, 24 * 60 * 7);
  for (const c of rules.categories) if (!(TICKET_CATEGORIES as readonly string[]).includes(c)) problems.push(`categories: ${String(c)} is not a ticket category`);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, rules };
}

/** What a problem is about: one kiosk's fault, or one category at one station. */
export type ProblemScope =
  | { readonly kind: 'kiosk-fault'; readonly kioskId: string; readonly device: string; readonly fault: string }
  | { readonly kind: 'station-category'; readonly stationId: string; readonly category: TicketCategory };

/** The scope as one key: the unique index allows one open problem per key. */
export function scopeKey(scope: ProblemScope): string {
  return scope.kind === 'kiosk-fault'
    ? `kiosk-fault ${JSON.stringify([scope.kioskId, scope.device, scope.fault])}`
    : `station-category ${JSON.stringify([scope.stationId, scope.category])}`;
}

/** The rule's threshold and window for a scope's kind. */
export function ruleFor(kind: ProblemScope['kind'], rules: ProblemRules): { readonly threshold: number; readonly windowMs: number; readonly windowMinutes: number } {
  const windowMinutes = kind === 'kiosk-fault' ? rules.faultWindowHours * 60 : rules.categoryWindowMinutes;
  return { threshold: kind === 'kiosk-fault' ? rules.faultRepeats : rules.categoryTickets, windowMs: windowMinutes * 60_000, windowMinutes };
}

/**
 * The index of the first report of the earliest run of `threshold` reports that fits in
 * `windowMs` (first to last at most `windowMs` apart, both ends included), or -1 when none does.
 * `times` are ms, in ascending order.
 */
export function firstRun(times: readonly number[], threshold: number, windowMs: number): number {
  for (let i = 0; i + threshold - 1 < times.length; i++) {
    if (times[i + threshold - 1]! - times[i]! <= windowMs) return i;
  }
  return -1;
}

/** `printer:paper-out` → the device and the fault; a key without a colon is the device's fault. */
export function splitFaultKey(faultKey: string): { readonly device: string; readonly fault: string } {
  const at = faultKey.indexOf(':');
  return at < 0 ? { device: faultKey, fault: 'fault' } : { device: faultKey.slice(0, at), fault: faultKey.slice(at + 1) };
}

/**
 * The rules' settings as central's command line and environment give them: each rule's flag of
 * `central serve`, its environment variable, and the field of {@link ProblemRules} it sets.
 */
export const PROBLEM_RULE_SETTINGS = [
  { field: 'faultRepeats', flag: 'problem-fault-repeats', env: 'CENTRAL_PROBLEM_FAULT_REPEATS', min: 2, max: 1000, what: 'times the same device fault must come at one kiosk' },
  { field: 'faultWindowHours', flag: 'problem-fault-window-hours', env: 'CENTRAL_PROBLEM_FAULT_WINDOW_HOURS', min: 1, max: 24 * 30, what: 'hours those faults must fall within' },
  { field: 'categoryTickets', flag: 'problem-category-tickets', env: 'CENTRAL_PROBLEM_CATEGORY_TICKETS', min: 2, max: 10_000, what: 'tickets of one category at one station' },
  { field: 'categoryWindowMinutes', flag: 'problem-category-window-minutes', env: 'CENTRAL_PROBLEM_CATEGORY_WINDOW_MINUTES', min: 1, max: 24 * 60 * 7, what: 'minutes those tickets must fall within' },
] as const satisfies readonly { field: keyof ProblemRules; flag: string; env: string; min: number; max: number; what: string }[];

/** The flag and variable of the categories the station rule watches (a comma-separated list). */
export const PROBLEM_CATEGORIES_SETTING = { flag: 'problem-categories', env: 'CENTRAL_PROBLEM_CATEGORIES' } as const;

/**
 * The rules from settings given as text (`value(flag, env)` answers the flag's value, else the
 * variable's, else undefined), each one over its default; or every reason they are wrong, each
 * naming the flag, what it means and what it may be. Nothing is half-applied: one wrong value
 * refuses the whole.
 */
export function problemRulesFromSettings(value: (flag: string, env: string) => string | undefined): { ok: true; rules: ProblemRules; given: Partial<ProblemRules> } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const given: { -readonly [K in keyof ProblemRules]?: ProblemRules[K] } = {};
  for (const s of PROBLEM_RULE_SETTINGS) {
    const text = value(s.flag, s.env);
    if (text === undefined) continue;
    const n = /^\s*\d{1,9}\s*$/.test(text) ? Number(text) : NaN;
    if (!Number.isInteger(n) || n < s.min || n > s.max) {
      problems.push(`--${s.flag} (${s.env}) is the ${s.what}: a whole number from ${s.min} to ${s.max}, not "${text.slice(0, 40)}"`);
    } else given[s.field] = n;
  }
  const categoriesText = value(PROBLEM_CATEGORIES_SETTING.flag, PROBLEM_CATEGORIES_SETTING.env);
  if (categoriesText !== undefined) {
    const names = categoriesText.split(',').map((c) => c.trim()).filter((c) => c !== '');
    const unknown = names.filter((c) => !(TICKET_CATEGORIES as readonly string[]).includes(c));
    if (names.length === 0 || unknown.length > 0) {
      problems.push(
        `--${PROBLEM_CATEGORIES_SETTING.flag} (${PROBLEM_CATEGORIES_SETTING.env}) is the ticket categories the station rule watches, comma-separated, from: ${TICKET_CATEGORIES.join(', ')}` +
          (unknown.length > 0 ? `; not a category: ${unknown.slice(0, 5).map((c) => `"${c.slice(0, 40)}"`).join(', ')}` : '; none was given'),
      );
    } else given.categories = [...new Set(names)] as TicketCategory[];
  }
  if (problems.length > 0) return { ok: false, problems };
  const checked = checkProblemRules(given);
  return checked.ok ? { ok: true, rules: checked.rules, given } : checked;
}

/** The rules in words, for central's start-up line: `3 faults within 24 h …`. */
export function describeProblemRules(rules: ProblemRules): string {
  return (
    `a problem opens at ${rules.faultRepeats} of the same device fault within ${rules.faultWindowHours} h at one kiosk, ` +
    `or ${rules.categoryTickets} tickets of one category within ${rules.categoryWindowMinutes} min at one station (${rules.categories.join(', ')})`
  );
}
