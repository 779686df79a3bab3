import { DEVICE_EVENT_SEVERITIES, type AuditEntry, type BlocklistEntry, type DeviceEvent, type EmergencyAlarm, type FaqArticle } from '../../shared/sync.js';
import { isDiskFull } from '../appliance/storage-guard.js';
import { makeTicketId, parseTicketId, type Rating, type Ticket, type TicketCardContext, type TicketId, type TicketStatus } from '../../shared/ticket.js';
import { err, ok, type Result } from '../../shared/result.js';
import { uuidv7 } from '../../shared/ids.js';
import { RATED_SERVICES } from '../../shared/ui-protocol.js';
import type { KioskStore } from '../store/kiosk-store.js';
import { findOutboxPayloadByDraft, findTicket, findTicketByFaultKey, findTicketsByCardHash, insertAuditEntry, insertDeviceEvent, insertRating, insertTelemetry, insertTicket, type LocalTicket } from '../store/records.js';
import { validateTicketDraft, isDraftId, isStorableText, type TicketDraft, type TicketDraftError } from './ticket-draft.js';
import { shanghaiDate } from '../../shared/shanghai-date.js';
import { faqCategories, searchFaq, type FaqHit, type FaqQuery } from './faq-search.js';

/** The terminal's identity as tickets carry it. */
export interface KioskIdentity {
  /** Kiosk id as central knows it (the sync API's `{kioskId}`). */
  readonly kioskId: string;
  /** Short code in ticket ids: 2–8 of A–Z0–9, e.g. `GZ0102`. */
  readonly kioskCode: string;
  readonly stationId: string;
  /** Said with an emergency alarm, so that central's people read where it is in words. */
  readonly stationName?: { readonly zh: string; readonly en: string };
  readonly location?: { readonly zh: string; readonly en: string } | null;
}

/** A write the store could not make (disk full, file gone): nothing was stored, the passenger is told to try again or ask staff. */
export interface StoreFailure {
  readonly code: 'store-unavailable' | 'ticket-counter-exhausted' | 'storage-full';
  readonly message: string;
  readonly cause?: unknown;
}

export type RecordError = TicketDraftError | StoreFailure | { readonly code: 'invalid-rating' | 'invalid-record'; readonly field: string; readonly message: string };

/** Where a ticket stands, from the local cache: central's latest status, else `open` while it travels. */
export interface TicketStatusView {
  readonly ticketId: TicketId;
  readonly status: TicketStatus;
  readonly note: string | null;
  readonly updatedAt: string;
  /** `waiting-to-send` until central has it; `rejected` when central refused it (a technician sees why). */
  readonly delivery: 'waiting-to-send' | 'delivered' | 'rejected' | 'unknown';
  /** The kiosk's own copy, when the ticket was filed on this kiosk. */
  readonly local: LocalTicket | null;
}

/** What `createTicket` gives back. */
export interface CreatedTicket {
  readonly ticket: Ticket;
  readonly id: TicketId;
  /** True when the draft id had already made this ticket (nothing new was stored). */
  readonly duplicate: boolean;
}

export interface RatingDraft {
  /** The flow's id of this rating: saving again with the same id returns the first rating and stores nothing. */
  readonly ratingId?: string;
  readonly score: number;
  readonly service: Rating['service'];
  readonly reason?: string | null;
  readonly ticketId?: TicketId | null;
}

const MAX_DAILY_COUNTER = 999_999;
const KIOSK_CODE = /^[A-Z0-9]{2,8}$/;

/** Free space for new tickets (kiosk/appliance/storage-guard.ts). */
export interface StorageRoom {
  hasRoom(): Promise<boolean>;
  /** SQLite found the disk full although `hasRoom` said yes. */
  reportFull(): void;
}

function storageFull(): StoreFailure {
  return { code: 'storage-full', message: "the kiosk's storage is full; nothing was stored" };
}

function storeFailure(cause: unknown): StoreFailure {
  return { code: 'store-unavailable', message: 'the kiosk could not save this; nothing was stored', cause };
}

function deliveryOf(local: LocalTicket | null): TicketStatusView['delivery'] {
  if (!local) return 'unknown';
  switch (local.outboxState) {
    case 'acked':
      return 'delivered';
    case 'rejected':
    case 'discarded':
      return 'rejected';
    case 'pending':
    case 'in-flight':
      return 'waiting-to-send';
  }
}

/**
 * Files what the kiosk records (tickets, ratings, device events, audit entries, telemetry),
 * each with its outbox row in ONE transaction, resolving only after the COMMIT; and answers
 * from the local caches (ticket status, FAQ, blocklist) whether or not central is reachable.
 */
export class TicketService {
  constructor(
    private readonly store: KioskStore,
    private readonly kiosk: KioskIdentity,
    private readonly options: { readonly storage?: StorageRoom } = {},
  ) {
    if (!KIOSK_CODE.test(kiosk.kioskCode)) throw new Error(`kiosk code ${JSON.stringify(kiosk.kioskCode)} must be 2–8 of A–Z0–9`);
  }

  private iso(ms: number): string {
    return new Date(ms).toISOString();
  }

  /** Validates, makes the id, stores ticket + outbox row atomically. Resolves after the fsync'd COMMIT. */
  /**
   * Validates, makes the id, stores ticket + outbox row atomically. Resolves after the fsync'd
   * COMMIT. With a `draftId` already used, resolves with that first ticket (`duplicate: true`)
   * and stores nothing: the check and the insert are in one `BEGIN IMMEDIATE` transaction, and
   * the column is UNIQUE, so two calls at once (or two processes) still make one ticket.
   */
  async createTicket(draft: TicketDraft): Promise<Result<CreatedTicket, TicketDraftError | StoreFailure>> {
    const valid = validateTicketDraft(draft);
    if (!valid.ok) return valid;
    const d = valid.value;
    const nowMs = this.store.now();
    const localDate = shanghaiDate(nowMs);
    const cardHash = d.card ? this.store.cardHash(d.card.cardNumber) : null;
    // A full disk: refused before anything is written, so nothing stored is at risk.
    if (this.options.storage && !(await this.options.storage.hasRoom())) return err(storageFull());
    try {
      const made = await this.store.write(async (w): Promise<{ ticket: Ticket; duplicate: boolean }> => {
        if (d.draftId !== null) {
          const earlier = await findOutboxPayloadByDraft(w.tx, 'tickets', d.draftId);
          if (earlier?.kind === 'ticket') return { ticket: earlier.ticket, duplicate: true };
        }
        const counter = await w.nextCounter(`ticket-day:${localDate}`);
        if (counter > MAX_DAILY_COUNTER) throw new CounterExhausted();
        const t: Ticket = {
          id: makeTicketId(this.kiosk.kioskCode, localDate, counter),
          category: d.category,
          description: d.description,
          phone: d.phone,
          card: d.card,
          stationId: this.kiosk.stationId,
          kioskId: this.kiosk.kioskId,
          createdAt: this.iso(nowMs),
          language: d.language,
          ...(d.faultKey !== null ? { faultKey: d.faultKey } : {}),
        };
        const { seq } = await w.appendOutbox({ kind: 'ticket', ticket: t }, t.createdAt);
        await insertTicket(w.tx, seq, t, cardHash, d.draftId);
        return { ticket: t, duplicate: false };
      });
      return ok({ ticket: made.ticket, id: made.ticket.id, duplicate: made.duplicate });
    } catch (error) {
      if (error instanceof CounterExhausted) return err({ code: 'ticket-counter-exhausted', message: 'this kiosk has filed the most tickets one day allows' });
      if (isDiskFull(error)) {
        this.options.storage?.reportFull();
        return err(storageFull());
      }
      return err(storeFailure(error));
    }
  }

  async recordRating(draft: RatingDraft): Promise<Result<Rating, RecordError>> {
    if (!Number.isInteger(draft.score) || draft.score < 1 || draft.score > 5) return err({ code: 'invalid-rating', field: 'score', message: 'score must be 1 to 5' });
    if (!(RATED_SERVICES as readonly string[]).includes(draft.service)) return err({ code: 'invalid-rating', field: 'service', message: 'unknown service' });
    const reason = draft.reason ?? null;
    if (reason !== null && (!isStorableText(reason) || [...reason].length > 500)) return err({ code: 'invalid-rating', field: 'reason', message: 'reason must be at most 500 characters' });
    const ticketId = draft.ticketId ?? null;
    if (ticketId !== null && parseTicketId(ticketId) !== ticketId) return err({ code: 'invalid-rating', field: 'ticketId', message: 'not a ticket id' });
    const draftId = draft.ratingId ?? null;
    if (draftId !== null && !isDraftId(draftId)) return err({ code: 'invalid-rating', field: 'ratingId', message: 'the rating id must be 1 to 128 printable ASCII characters' });
    const nowMs = this.store.now();
    const rating: Rating = {
      id: uuidv7(nowMs),
      score: draft.score as Rating['score'],
      reason,
      service: draft.service,
      ticketId,
      kioskId: this.kiosk.kioskId,
      createdAt: this.iso(nowMs),
    };
    return this.guard(() =>
      this.store.write(async (w) => {
        if (draftId !== null) {
          const earlier = await findOutboxPayloadByDraft(w.tx, 'ratings', draftId);
          if (earlier?.kind === 'rating') return earlier.rating;
        }
        const { seq } = await w.appendOutbox({ kind: 'rating', rating }, rating.createdAt);
        await insertRating(w.tx, seq, rating, draftId);
        return rating;
      }),
    );
  }

  async recordDeviceEvent(event: DeviceEvent): Promise<Result<{ id: string; seq: number }, RecordError>> {
    if (![event.device, event.event].every((s) => isStorableText(s) && s.length > 0 && s.length <= 200) || (event.detail !== null && !isStorableText(event.detail))) {
      return err({ code: 'invalid-record', field: 'event', message: 'device and event must be 1 to 200 characters' });
    }
    if (!(DEVICE_EVENT_SEVERITIES as readonly string[]).includes(event.severity)) return err({ code: 'invalid-record', field: 'severity', message: 'unknown severity' });
    const createdAt = this.iso(this.store.now());
    return this.guard(() =>
      this.store.write(async (w) => {
        const ref = await w.appendOutbox({ kind: 'device-event', event }, createdAt);
        await insertDeviceEvent(w.tx, ref.seq, ref.id, event, createdAt);
        return ref;
      }),
    );
  }

  async recordAudit(entry: AuditEntry): Promise<Result<{ id: string; seq: number }, RecordError>> {
    if (![entry.actor, entry.action].every((s) => isStorableText(s) && s.length > 0 && s.length <= 200) || (entry.detail !== null && !isStorableText(entry.detail))) {
      return err({ code: 'invalid-record', field: 'entry', message: 'actor and action must be 1 to 200 characters' });
    }
    const createdAt = this.iso(this.store.now());
    return this.guard(() =>
      this.store.write(async (w) => {
        const ref = await w.appendOutbox({ kind: 'audit', entry }, createdAt);
        await insertAuditEntry(w.tx, ref.seq, entry, createdAt, ref.id);
        return ref;
      }),
    );
  }

  /**
   * Puts an emergency alarm in the outbox (it is sent before every other item: the head of the
   * outbox, kiosk/store/outbox.ts). The card goes masked: central's people see what they may.
   */
  async recordAlarm(input: { readonly alarmId: string; readonly raisedAt: string; readonly language: 'zh' | 'en'; readonly card: TicketCardContext | null }): Promise<Result<{ id: string; seq: number }, RecordError>> {
    const alarm: EmergencyAlarm = {
      id: input.alarmId,
      kioskId: this.kiosk.kioskId,
      stationId: this.kiosk.stationId,
      ...(this.kiosk.stationName ? { stationName: this.kiosk.stationName } : {}),
      location: this.kiosk.location ?? null,
      raisedAt: input.raisedAt,
      language: input.language,
      card: input.card ? { family: input.card.family, masked: input.card.masked, balance: input.card.balance, diagnosis: [...input.card.diagnosis] } : null,
    };
    return this.guard(() => this.store.write((w) => w.appendOutbox({ kind: 'alarm', alarm }, this.iso(this.store.now()))));
  }

  async recordTelemetry(metrics: Readonly<Record<string, number | string | boolean | null>>): Promise<Result<{ id: string; seq: number }, RecordError>> {
    const fine = Object.entries(metrics).every(([k, v]) => isStorableText(k) && (v === null || ['number', 'boolean'].includes(typeof v) || isStorableText(v)));
    if (!fine || Object.values(metrics).some((v) => typeof v === 'number' && !Number.isFinite(v))) {
      return err({ code: 'invalid-record', field: 'metrics', message: 'metrics must be finite numbers, strings, booleans or null' });
    }
    const createdAt = this.iso(this.store.now());
    return this.guard(() =>
      this.store.write(async (w) => {
        const ref = await w.appendOutbox({ kind: 'telemetry', metrics }, createdAt);
        await insertTelemetry(w.tx, ref.seq, ref.id, metrics, createdAt);
        return ref;
      }),
    );
  }

  /** Status of a typed or scanned ticket id, from the local cache. */
  async ticketStatus(input: string): Promise<Result<TicketStatusView, { code: 'invalid-ticket-id' | 'ticket-not-found'; message: string } | StoreFailure>> {
    const id = parseTicketId(input);
    if (!id) return err({ code: 'invalid-ticket-id', message: 'that is not a ticket number (check the digits)' });
    try {
      const view = await this.statusView(id, await findTicket(this.store.db, id));
      return view ? ok(view) : err({ code: 'ticket-not-found', message: 'no ticket with that number is known here yet' });
    } catch (error) {
      return err(storeFailure(error));
    }
  }

  /** Tickets filed on this kiosk with this card, newest first. */
  async ticketsForCard(cardNumber: string, limit = 10): Promise<Result<TicketStatusView[], StoreFailure>> {
    return this.guard(async () => {
      const locals = await findTicketsByCardHash(this.store.db, this.store.cardHash(cardNumber), limit);
      const views = await Promise.all(locals.map((l) => this.statusView(l.id, l)));
      return views.filter((v): v is TicketStatusView => v !== null);
    });
  }

  /** The ticket already filed for a device fault that central has not closed, if any. */
  async openTicketForFault(faultKey: string): Promise<LocalTicket | null> {
    const local = await findTicketByFaultKey(this.store.db, faultKey);
    if (!local) return null;
    const status = await this.store.caches.ticketStatus(local.id);
    return status && ['resolved', 'closed', 'rejected'].includes(status.status) ? null : local;
  }

  async searchFaq(query: FaqQuery): Promise<FaqHit[]> {
    return searchFaq(await this.store.caches.faqArticles(), query);
  }

  /** One article of the kiosk's copy by its id; null when the kiosk does not have it. */
  async faqArticle(id: string): Promise<FaqArticle | null> {
    return (await this.store.caches.faqArticles()).find((a) => a.id === id) ?? null;
  }

  async faqCategories(): Promise<string[]> {
    return faqCategories(await this.store.caches.faqArticles());
  }

  async blocked(cardNumber: string): Promise<BlocklistEntry | null> {
    return this.store.caches.blocked(cardNumber);
  }

  private async statusView(id: TicketId, local: LocalTicket | null): Promise<TicketStatusView | null> {
    const cached = await this.store.caches.ticketStatus(id);
    if (!cached && !local) return null;
    return {
      ticketId: id,
      status: cached?.status ?? 'open',
      note: cached?.note ?? null,
      updatedAt: cached?.updatedAt ?? local?.createdAt ?? '',
      delivery: local ? deliveryOf(local) : 'delivered',
      local,
    };
  }

  private async guard<T>(fn: () => Promise<T>): Promise<Result<T, StoreFailure>> {
    try {
      return ok(await fn());
    } catch (error) {
      return err(storeFailure(error));
    }
  }
}

class CounterExhausted extends Error {}
