import type { FastifyRequest } from 'fastify';
import { maskCardNumber } from '../../shared/card.js';
import { checkRemoteSettings } from '../../shared/kiosk-config.js';
import type { BlocklistEntry, FaqArticle } from '../../shared/sync.js';
import type { Page, StoredTicket } from '../storage/types.js';
import { hashToken, staffPrincipal } from './auth.js';
import type { ApiContext, Handlers } from './context.js';
import { ApiFailure } from './errors.js';
import type { OperationId } from './operations.js';
import type { TicketWorkOperation } from '../staff/ticket-work.js';
import type { AlarmOperation } from '../alarms/routes.js';
import { inScope, stationScope } from '../staff/station-scope.js';
import type { ProblemOperation } from '../problems/routes.js';

type Config = Record<string, unknown>;
type StaffOperation = Exclude<
  OperationId,
  'health' | 'ingestBatch' | 'getChanges' | 'listTechnicians' | 'putTechnician' | 'revokeTechnician' | 'postHeartbeat' | 'listHeartbeats' | TicketWorkOperation | AlarmOperation | ProblemOperation
>;

function notFound(what: string): ApiFailure {
  return new ApiFailure(404, 'not-found', `${what} not found`);
}

/** A configuration that breaks the settings' rules (shared/kiosk-config.ts) is refused with every reason; nothing is stored. */
function checked(config: Config, what: string): void {
  const check = checkRemoteSettings(config);
  if (!check.ok) throw new ApiFailure(400, 'invalid-config', `${what}: ${check.problems.join('; ')}`);
}

/**
 * A ticket as staff get it: the card number masked (first 4, last 4) in `cardNumber` as in
 * `masked`. The full number leaves central only through `revealCardNumber`, audited.
 */
/** A list page as asked, held to the station of station staff (their own kiosks' items only). */
function scopedPage(request: FastifyRequest): Page {
  const scope = stationScope(request);
  const asked = request.query as Page;
  return scope === null ? asked : { ...asked, stationId: scope };
}

export function maskTicket<T extends StoredTicket>(ticket: T): T {
  return ticket.card ? { ...ticket, card: { ...ticket.card, cardNumber: maskCardNumber(ticket.card.cardNumber), masked: maskCardNumber(ticket.card.cardNumber) } } : ticket;
}

const maskEntry = (entry: BlocklistEntry): BlocklistEntry => ({ ...entry, cardNumber: maskCardNumber(entry.cardNumber) });

/** The staff side: tickets, ratings, device events, FAQ, blocklist, kiosks and configuration. */
export function staffHandlers(ctx: ApiContext): Handlers<StaffOperation> {
  const { storage } = ctx;
  const at = (): string => ctx.now().toISOString();

  return {
    revealCardNumber: async (request) => {
      const { ticketId } = request.params as { ticketId: string };
      const who = staffPrincipal(request);
      const revealedAt = at();
      const revealed = await storage.revealCardNumber(ticketId, who.name, who.role, revealedAt);
      if (revealed === null) throw notFound(`ticket ${ticketId}`);
      if (revealed === 'no-card') throw new ApiFailure(404, 'no-card-number', `ticket ${ticketId} has no card`);
      request.log.info({ ticketId, revealedBy: who.name, role: who.role }, 'card number revealed');
      return { ticketId, cardNumber: revealed.cardNumber, revealedBy: who.name, role: who.role, revealedAt };
    },

    listCardReveals: async (request) => ({ reveals: await storage.listCardReveals(request.query as { limit: number; offset: number }) }),

    // Station staff see what their own station's kiosks sent, whatever the query asks.
    listRatings: async (request) => ({ ratings: await storage.listRatings(scopedPage(request)) }),
    listDeviceEvents: async (request) => ({ events: await storage.listDeviceEvents(scopedPage(request)) }),

    listFaq: async () => ({ articles: await storage.listFaq() }),
    putFaq: async (request) => {
      const article: FaqArticle = { ...(request.body as Omit<FaqArticle, 'id' | 'updatedAt'>), id: (request.params as { faqId: string }).faqId, updatedAt: at() };
      await storage.putFaq(article);
      return article;
    },
    deleteFaq: async (request, reply) => {
      const { faqId } = request.params as { faqId: string };
      if (!(await storage.deleteFaq(faqId, at()))) throw notFound(`FAQ article ${faqId}`);
      return reply.code(204).send();
    },

    listBlocklist: async () => ({ entries: (await storage.listBlocklist()).map(maskEntry) }),
    putBlocklist: async (request) => {
      const entry: BlocklistEntry = { cardNumber: (request.params as { cardNumber: string }).cardNumber, reason: (request.body as { reason: string }).reason };
      await storage.putBlocklist(entry, at());
      return maskEntry(entry);
    },
    deleteBlocklist: async (request, reply) => {
      const { cardNumber } = request.params as { cardNumber: string };
      if (!(await storage.deleteBlocklist(cardNumber, at()))) throw notFound(`blocklist entry ${cardNumber}`);
      return reply.code(204).send();
    },

    listKiosks: async (request) => ({ kiosks: (await storage.listKiosks()).filter((k) => inScope(request, k.stationId)).map(({ id, stationId, createdAt }) => ({ id, stationId, createdAt })) }),
    putKiosk: async (request) => {
      const body = request.body as { id: string; token: string; stationId?: string | null; ticketCode?: string };
      const existing = await storage.getKiosk(body.id);
      const other = await storage.findKioskByTokenHash(hashToken(body.token));
      if (other && other.id !== body.id) throw new ApiFailure(400, 'token-in-use', 'choose another token');
      const kiosk = { id: body.id, stationId: body.stationId ?? null, tokenHash: hashToken(body.token), createdAt: existing?.createdAt ?? at(), ticketCode: body.ticketCode ?? existing?.ticketCode ?? null };
      await storage.upsertKiosk(kiosk);
      return { id: kiosk.id, stationId: kiosk.stationId, createdAt: kiosk.createdAt };
    },
    getKioskConfig: async (request) => {
      const { kioskId } = request.params as { kioskId: string };
      const config = await storage.getKioskConfig(kioskId);
      if (!config) throw notFound(`kiosk ${kioskId}`);
      return { config };
    },
    putKioskConfig: async (request) => {
      const { kioskId } = request.params as { kioskId: string };
      const { config } = request.body as { config: Config };
      const actor = staffPrincipal(request).name;
      checked(config, `configuration of kiosk ${kioskId}`);
      // What the kiosk will get: the global settings with its own over them.
      checked({ ...(await storage.getGlobalConfig()), ...config }, `configuration of kiosk ${kioskId} with the global settings`);
      if (!(await storage.putKioskConfig(kioskId, config, at(), actor))) throw notFound(`kiosk ${kioskId}`);
      return { config };
    },
    getGlobalConfig: async () => ({ config: await storage.getGlobalConfig() }),
    putGlobalConfig: async (request) => {
      const { config } = request.body as { config: Config };
      const actor = staffPrincipal(request).name;
      checked(config, 'global configuration');
      for (const k of await storage.listKiosks()) checked({ ...config, ...((await storage.getKioskConfig(k.id)) ?? {}) }, `configuration of kiosk ${k.id} with these global settings`);
      await storage.putGlobalConfig(config, at(), actor);
      return { config };
    },
    listConfigAudit: async (request) => {
      const q = request.query as { kioskId?: string; limit: number; offset: number };
      const scope = q.kioskId === undefined ? undefined : q.kioskId === 'global' ? null : q.kioskId;
      return { entries: await storage.listConfigAudit({ limit: q.limit, offset: q.offset }, scope) };
    },
  };
}
