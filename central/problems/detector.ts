import type { ValidItem } from '../storage/types.js';
import { ruleFor, scopeKey, type ProblemRules, type ProblemScope } from './rules.js';
import type { ProblemDecision, ProblemStore } from './store.js';

export interface ProblemDetectorOptions {
  readonly store: ProblemStore;
  readonly rules: ProblemRules;
  readonly now: () => Date;
  /** How often the sweep looks at recent reports. Default 60 s. */
  readonly sweepMs?: number;
  /** How far back (before the rule's window) the sweep looks for reports no problem holds: kiosks that were offline send late. Default 24 h. */
  readonly lookBackMs?: number;
  readonly onOpened?: (decision: ProblemDecision) => void;
  readonly onError?: (error: unknown) => void;
}

/**
 * Opens problems and joins reports to them. It runs after each ingest (on the scopes the batch
 * touched) and on a timer (every scope with recent reports no problem holds), on every central
 * instance: the decision itself is the store's (a scope lock and a conditional insert), so a
 * problem opens once whichever instance looks first, and reports an instance stored just before
 * it died are picked up by the next sweep of any instance.
 *
 * Decisions run in rounds, one at a time per instance: the scopes asked for while a round runs
 * wait for the next one, together. So deciding holds at most one database connection per
 * instance however many batches arrive at once, and a busy scope (one station's open problem that
 * every kiosk's batch joins) is looked at once per round, not once per batch — many batches
 * waiting on the same scope lock would otherwise hold every connection of the pool.
 */
export class ProblemDetector {
  private timer: NodeJS.Timeout | null = null;
  /** Scopes waiting for the next round, by key, each with the earliest time asked for. */
  private pending = new Map<string, { scope: ProblemScope; sinceMs: number }>();
  /** Who waits for the next round, with the keys of the scopes each asked for. */
  private waiting: { keys: ReadonlySet<string>; done: (decisions: ProblemDecision[]) => void }[] = [];
  private rounds: Promise<void> | null = null;

  constructor(private readonly options: ProblemDetectorOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.sweep(), this.options.sweepMs ?? 60_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.settled();
  }

  /**
   * The scopes the stored items of one kiosk's batch touch, each with the earliest kiosk time
   * the rule must look from: a fault report's device and fault, a ticket's station and category
   * (watched categories only), a device-fault ticket's fault.
   */
  scopesOf(kioskId: string, items: readonly ValidItem[]): { scope: ProblemScope; sinceMs: number }[] {
    const found = new Map<string, { scope: ProblemScope; sinceMs: number }>();
    const add = (scope: ProblemScope, atMs: number): void => {
      if (Number.isNaN(atMs)) return;
      const since = atMs - ruleFor(scope.kind, this.options.rules).windowMs;
      const key = scopeKey(scope);
      const known = found.get(key);
      if (!known || since < known.sinceMs) found.set(key, { scope, sinceMs: since });
    };
    for (const { item, payload } of items) {
      if (payload.kind === 'device-event' && payload.event.severity === 'fault') {
        add({ kind: 'kiosk-fault', kioskId, device: payload.event.device, fault: payload.event.event }, Date.parse(item.createdAt));
      } else if (payload.kind === 'ticket') {
        const t = payload.ticket;
        if (this.options.rules.categories.includes(t.category)) add({ kind: 'station-category', stationId: t.stationId, category: t.category }, Date.parse(t.createdAt));
        if (t.category === 'device-fault' && t.faultKey !== undefined) {
          const at = t.faultKey.indexOf(':');
          if (at > 0) add({ kind: 'kiosk-fault', kioskId, device: t.faultKey.slice(0, at), fault: t.faultKey.slice(at + 1) }, Date.parse(t.createdAt));
        }
      }
    }
    return [...found.values()];
  }

  /** After a batch was stored: decides for the scopes its items touch. Never throws (the items are stored whatever happens here). */
  async afterIngest(kioskId: string, items: readonly ValidItem[]): Promise<ProblemDecision[]> {
    const scopes = this.scopesOf(kioskId, items);
    if (scopes.length === 0) return [];
    return this.inNextRound(scopes);
  }

  /**
   * Resolves when no decision is waiting or running: every batch answered before the call has
   * had its problems decided (the kiosk is answered before that; tests and shutdown wait here).
   */
  async settled(): Promise<void> {
    while (this.rounds) await this.rounds;
  }

  /** One look at every scope with recent reports no problem holds (also what the timer does). */
  async sweep(): Promise<ProblemDecision[]> {
    const { rules } = this.options;
    const widest = Math.max(ruleFor('kiosk-fault', rules).windowMs, ruleFor('station-category', rules).windowMs);
    const sinceMs = this.options.now().getTime() - widest - (this.options.lookBackMs ?? 24 * 3_600_000);
    let scopes: ProblemScope[];
    try {
      scopes = await this.options.store.scopesWithUnheldReports(sinceMs, rules.categories);
    } catch (e) {
      this.options.onError?.(e);
      return [];
    }
    return scopes.length === 0 ? [] : this.inNextRound(scopes.map((scope) => ({ scope, sinceMs })));
  }

  /** Adds the scopes to the next round and resolves, once that round is over, with its decisions on them. */
  private inNextRound(scopes: readonly { scope: ProblemScope; sinceMs: number }[]): Promise<ProblemDecision[]> {
    const keys = new Set<string>();
    for (const asked of scopes) {
      const key = scopeKey(asked.scope);
      keys.add(key);
      const known = this.pending.get(key);
      if (!known || asked.sinceMs < known.sinceMs) this.pending.set(key, asked);
    }
    const decided = new Promise<ProblemDecision[]>((done) => this.waiting.push({ keys, done }));
    this.rounds ??= this.runRounds();
    return decided;
  }

  /** Rounds until no scope waits; each round decides every scope asked for before it began. */
  private async runRounds(): Promise<void> {
    try {
      while (this.pending.size > 0) {
        const scopes = [...this.pending.values()];
        const waiting = this.waiting;
        this.pending = new Map();
        this.waiting = [];
        let decisions: { key: string; decision: ProblemDecision }[] = [];
        try {
          decisions = await this.decide(scopes);
        } catch (e) {
          this.options.onError?.(e);
        }
        for (const { keys, done } of waiting) done(decisions.filter((d) => keys.has(d.key)).map((d) => d.decision));
      }
    } finally {
      this.rounds = null;
    }
  }

  private async decide(scopes: readonly { scope: ProblemScope; sinceMs: number }[]): Promise<{ key: string; decision: ProblemDecision }[]> {
    const decisions: { key: string; decision: ProblemDecision }[] = [];
    // In the order of their keys, so two instances deciding on overlapping scopes take the scope locks in one order.
    for (const { scope, sinceMs } of [...scopes].sort((a, b) => (scopeKey(a.scope) < scopeKey(b.scope) ? -1 : 1))) {
      try {
        const d = await this.options.store.evaluate(scope, this.options.rules, sinceMs, this.options.now().toISOString());
        if (!d) continue;
        decisions.push({ key: scopeKey(scope), decision: d });
        if (d.opened) this.options.onOpened?.(d);
      } catch (e) {
        this.options.onError?.(e);
      }
    }
    return decisions;
  }
}
