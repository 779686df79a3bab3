/**
 * Staff work on tickets (assign, priority, internal notes, replies to the passenger, reopening,
 * targets per category), the missed calls agents work through, and the fleet view.
 *
 * What the passenger sees of a ticket is its status history (statuses and replies): it goes to
 * the kiosk through the `ticket-status` changes and is shown on `/t/{id}`. Internal notes,
 * assignments and priorities live in `ticket_activity` and never leave the staff API.
 *
 * Station staff see and work only the tickets, missed calls and kiosks of their own station
 * (central/staff/station-scope.ts): a ticket of another station answers 404 as if it did not exist.
 */
import type { FastifyRequest } from 'fastify';
import type { FallbackReason, CallContext } from '../../shared/call-protocol.js';
import type { TicketCategory, TicketId, TicketStatus } from '../../shared/ticket.js';
import type { TicketPriority } from '../../shared/words.js';
import { staffPrincipal } from '../api/auth.js';
import { maskTicket as masked } from '../api/staff-routes.js';
import type { ApiContext, Handlers } from '../api/context.js';
import { ApiFailure } from '../api/errors.js';
import type { StoredTicket, TicketActivity, TicketFilter } from '../storage/types.js';
import { inScope, scopedStationFilter } from './station-scope.js';

/** Hours to resolve a ticket of each category when staff have not set their own. */
export const DEFAULT_TICKET_TARGET_HOURS: Readonly<Record<TicketCategory, number>> = {
  'card-problem': 24,
  gate: 4,
  'ticket-machine': 8,
  'station-facility': 24,
  'staff-complaint': 72,
  suggestion: 168,
  callback: 4,
  'device-fault': 8,
};

/** Statuses in which a ticket no longer waits for staff (not overdue; may be reopened). */
export const FINISHED_STATUSES: readonly TicketStatus[] = ['resolved', 'closed', 'rejected'];

/** A kiosk without a heartbeat for this long is shown offline and raises an alert (30 s beats: six missed). */
export const DEFAULT_SILENT_AFTER_SECONDS = 180;

export type Targets = Readonly<Record<TicketCategory, number>>;

export interface StaffTicketView extends StoredTicket {
  readonly dueAt: string;
  readonly overdue: boolean;
}

/** The ticket with when it is due (created + its category's hours) and whether it is late. */
export function withDue(ticket: StoredTicket, targets: Targets, now: Date): StaffTicketView {
  const created = Date.parse(ticket.createdAt);
  const dueMs = (Number.isNaN(created) ? Date.parse(ticket.receivedAt) : created) + targets[ticket.category] * 3_600_000;
  return { ...ticket, dueAt: new Date(dueMs).toISOString(), overdue: !FINISHED_STATUSES.includes(ticket.status) && now.getTime() > dueMs };
}

/** A missed call as the queue keeps it (central/calls). */
export interface MissedCallSource {
  readonly callId: string;
  readonly kioskId: string;
  readonly lane: 'information' | 'emergency';
  readonly context: CallContext;
  readonly reason: FallbackReason;
  /** ms since the epoch. */
  readonly missedAt: number;
}

/** Who may be assigned a ticket, and where missed calls come from; filled in by central's composition root. */
export interface WorkSources {
  /** Who a ticket can be assigned to: the account's username (`name`, what is stored) and the name people read. */
  people: () => readonly { readonly name: string; readonly displayName: string; readonly role: string }[];
  missedCalls: () => Promise<readonly MissedCallSource[]>;
  silentAfterSeconds: number;
}

export type TicketWorkOperation =
  | 'listTickets'
  | 'getTicket'
  | 'changeTicketStatus'
  | 'assignTicket'
  | 'setTicketPriority'
  | 'addTicketNote'
  | 'replyToTicket'
  | 'reopenTicket'
  | 'getTicketTargets'
  | 'putTicketTargets'
  | 'listPeople'
  | 'listMissedCalls'
  | 'markMissedCallDone'
  | 'getFleet';

const notFound = (ticketId: string): ApiFailure => new ApiFailure(404, 'not-found', `ticket ${ticketId} not found`);

export function ticketWorkHandlers(ctx: ApiContext, sources: WorkSources): Handlers<TicketWorkOperation> {
  const { storage } = ctx;
  const at = (): string => ctx.now().toISOString();
  const targets = async (): Promise<Targets> => ({ ...DEFAULT_TICKET_TARGET_HOURS, ...(await storage.getTicketTargets()) });
  const idOf = (request: FastifyRequest): string => (request.params as { ticketId: string }).ticketId;

  /** The ticket with its history, when it exists and is within the person's station scope. */
  const visible = async (request: FastifyRequest, ticketId: string) => {
    const found = await storage.getTicket(ticketId);
    if (!found || !inScope(request, found.ticket.stationId)) throw notFound(ticketId);
    return found;
  };

  const detail = async (request: FastifyRequest, ticketId: string) => {
    const found = await visible(request, ticketId);
    return { ticket: withDue(masked(found.ticket), await targets(), ctx.now()), history: found.history, activity: await storage.listTicketActivity(ticketId) };
  };

  const activity = async (request: FastifyRequest, kind: TicketActivity['kind'], text: string) => {
    const ticketId = idOf(request);
    await visible(request, ticketId);
    if ((await storage.addTicketActivity(ticketId, { kind, text, actor: staffPrincipal(request).name, at: at() })) === null) throw notFound(ticketId);
    return detail(request, ticketId);
  };

  const missedCalls = async (request: FastifyRequest) => (await sources.missedCalls()).filter((c) => inScope(request, c.context.stationId));

  const missedList = async (request: FastifyRequest) => {
    const done = new Map((await storage.listCallFollowUps()).map((f) => [f.callId, f]));
    const calls = [...(await missedCalls(request))].sort((a, b) => b.missedAt - a.missedAt);
    return {
      calls: calls.map((c) => {
        const f = done.get(c.callId);
        return {
          callId: c.callId,
          kioskId: c.kioskId,
          stationName: c.context.stationName,
          lane: c.lane,
          reason: c.reason,
          missedAt: new Date(c.missedAt).toISOString(),
          maskedCardNumber: c.context.card?.maskedNumber ?? null,
          doneBy: f?.doneBy ?? null,
          doneAt: f?.doneAt ?? null,
          note: f?.note ?? null,
        };
      }),
    };
  };

  return {
    listTickets: async (request) => {
      const asked = request.query as TicketFilter;
      const stationId = scopedStationFilter(request, asked.stationId);
      const filter: TicketFilter = stationId === undefined ? asked : { ...asked, stationId };
      if (filter.from !== undefined && filter.to !== undefined && Date.parse(filter.from) > Date.parse(filter.to)) {
        throw new ApiFailure(400, 'invalid-request', 'from must not be after to');
      }
      const { tickets, total } = await storage.listTickets(filter);
      const t = await targets();
      const now = ctx.now();
      return { tickets: tickets.map((ticket) => withDue(masked(ticket), t, now)), total, limit: filter.limit, offset: filter.offset };
    },
    getTicket: (request) => detail(request, idOf(request)),
    changeTicketStatus: async (request) => {
      const ticketId = idOf(request);
      const body = request.body as { status: TicketStatus; note?: string | null };
      await visible(request, ticketId);
      // The person is the one signed in, never a name typed into the request.
      const updated = await storage.changeTicketStatus({ ticketId: ticketId as TicketId, status: body.status, note: body.note ?? null, actor: staffPrincipal(request).name, at: at() });
      if (!updated) throw notFound(ticketId);
      return detail(request, ticketId);
    },
    assignTicket: async (request) => {
      const { assignee } = request.body as { assignee: string | null };
      const name = assignee?.trim() ?? '';
      if (name !== '' && !sources.people().some((p) => p.name === name)) throw new ApiFailure(400, 'unknown-person', 'assign the ticket to someone from the list of people');
      return activity(request, 'assign', name);
    },
    setTicketPriority: (request) => activity(request, 'priority', (request.body as { priority: TicketPriority }).priority),
    addTicketNote: (request) => activity(request, 'note', (request.body as { text: string }).text),
    replyToTicket: async (request) => {
      const ticketId = idOf(request);
      const body = request.body as { text: string; status?: TicketStatus };
      const found = await visible(request, ticketId);
      await storage.changeTicketStatus({ ticketId: ticketId as TicketId, status: body.status ?? found.ticket.status, note: body.text, actor: staffPrincipal(request).name, at: at() });
      return detail(request, ticketId);
    },
    reopenTicket: async (request) => {
      const ticketId = idOf(request);
      const found = await visible(request, ticketId);
      if (!FINISHED_STATUSES.includes(found.ticket.status)) throw new ApiFailure(409, 'not-finished', 'only a resolved, closed or rejected ticket can be reopened');
      const who = staffPrincipal(request).name;
      const now = at();
      await storage.addTicketActivity(ticketId, { kind: 'reopen', text: (request.body as { reason: string }).reason, actor: who, at: now });
      await storage.changeTicketStatus({ ticketId: ticketId as TicketId, status: 'in-progress', note: null, actor: who, at: now });
      return detail(request, ticketId);
    },
    getTicketTargets: async () => ({ targets: await targets() }),
    putTicketTargets: async (request) => {
      await storage.putTicketTargets((request.body as { targets: Partial<Record<TicketCategory, number>> }).targets);
      return { targets: await targets() };
    },
    listPeople: () => Promise.resolve({ people: sources.people().map((p) => ({ name: p.name, displayName: p.displayName, role: p.role })) }),
    listMissedCalls: (request) => missedList(request),
    markMissedCallDone: async (request) => {
      const { callId } = request.params as { callId: string };
      if (!(await missedCalls(request)).some((c) => c.callId === callId)) throw new ApiFailure(404, 'not-found', 'no missed call with this id');
      const note = (request.body as { note?: string | null } | undefined)?.note ?? null;
      if (!(await storage.putCallFollowUp({ callId, doneBy: staffPrincipal(request).name, doneAt: at(), note }))) {
        throw new ApiFailure(409, 'already-done', 'this call was already marked done');
      }
      return missedList(request);
    },
    getFleet: async (request) => {
      const now = ctx.now();
      const [heartbeats, details, stations] = await Promise.all([storage.listHeartbeats(), storage.admin.listKioskDetails(), storage.admin.listStations()]);
      const beats = new Map(heartbeats.map((h) => [h.kioskId, h]));
      // Where each kiosk stands and its station's name, so staff read words and not ids.
      const locations = new Map(details.filter((d) => d.location.trim() !== '').map((d) => [d.kioskId, d.location]));
      const stationNames = new Map(stations.map((st) => [st.id, st.name]));
      const kiosks = (await storage.listKiosks()).filter((k) => inScope(request, k.stationId)).map((k) => {
        const beat = beats.get(k.id);
        const silent = !beat || now.getTime() - Date.parse(beat.receivedAt) > sources.silentAfterSeconds * 1000;
        return {
          kioskId: k.id,
          stationId: k.stationId,
          stationName: k.stationId === null ? null : (stationNames.get(k.stationId) ?? null),
          kioskLocation: locations.get(k.id) ?? null,
          online: !silent,
          silent,
          lastContactAt: beat?.receivedAt ?? null,
          kioskVersion: beat?.heartbeat.kioskVersion ?? null,
          faults: (beat?.heartbeat.devices ?? []).filter((d) => d.state !== 'ok').map((d) => ({ device: d.device, state: d.state })),
          outboxPending: beat?.heartbeat.outbox.pending ?? null,
          outboxRejected: beat?.heartbeat.outbox.rejected ?? null,
          clockOffsetMs: beat?.heartbeat.clockOffsetMs ?? null,
        };
      });
      return { serverTime: now.toISOString(), silentAfterSeconds: sources.silentAfterSeconds, kiosks };
    },
  };
}
