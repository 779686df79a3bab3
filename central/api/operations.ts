/**
 * Every `/v1` operation in one table: the routes are registered from it and the OpenAPI
 * document is built from it, so the two cannot drift apart.
 */
import type { StaffCapability } from './auth.js';
import * as S from './schemas.js';
import type { JsonSchema } from './schemas.js';

export type ComponentName = keyof typeof S.COMPONENT_SCHEMAS;

export interface Operation {
  readonly operationId: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Fastify form: `/v1/kiosks/:kioskId/batches`. */
  readonly url: string;
  readonly summary: string;
  readonly tag: 'kiosk' | 'staff' | 'meta';
  readonly auth: 'none' | 'kiosk' | 'staff';
  /** For a staff operation: what the token's role must allow (otherwise any staff token). */
  readonly capability?: StaffCapability;
  /** A staff operation agents may use too (from the agent console); the others refuse an agent's token. */
  readonly agents?: boolean;
  readonly params?: JsonSchema;
  readonly query?: JsonSchema;
  /** What the body is documented as. */
  readonly requestBody?: ComponentName;
  /** What Fastify checks the body with, when it is not the documented schema itself. */
  readonly bodyValidation?: JsonSchema;
  /** Status → schema of the answer, or null for an empty answer. */
  readonly responses: Readonly<Record<number, ComponentName | null>>;
}

const errors = (...codes: number[]): Record<number, ComponentName> => Object.fromEntries(codes.map((c) => [c, 'ApiError' as const]));
// 403: a role that may not do this (an agent's token outside the operations marked for agents).
const staffErrors = errors(400, 401, 403, 503);

export const OPERATIONS = [
  { operationId: 'health', method: 'GET', url: '/v1/health', summary: 'Liveness and server time', tag: 'meta', auth: 'none', responses: { 200: 'Health' } },
  {
    operationId: 'ingestBatch',
    method: 'POST',
    url: '/v1/kiosks/:kioskId/batches',
    summary: 'Store a batch of outbox items (idempotent)',
    tag: 'kiosk',
    auth: 'kiosk',
    params: S.KioskParams,
    requestBody: 'IngestRequest',
    bodyValidation: S.IngestRequestEnvelope,
    responses: { 200: 'IngestResponse', ...errors(400, 401, 403, 413, 415, 503) },
  },
  {
    operationId: 'getChanges',
    method: 'GET',
    url: '/v1/kiosks/:kioskId/changes',
    summary: 'Down-sync: changes after a cursor',
    tag: 'kiosk',
    auth: 'kiosk',
    params: S.KioskParams,
    query: S.ChangesQuery,
    responses: { 200: 'ChangesResponse', ...errors(400, 401, 403, 503) },
  },
  {
    operationId: 'postHeartbeat',
    method: 'POST',
    url: '/v1/kiosks/:kioskId/heartbeat',
    summary: "The kiosk's state now (version, uptime, devices, outbox, disk, clock offset); kept as its latest",
    tag: 'kiosk',
    auth: 'kiosk',
    params: S.KioskParams,
    requestBody: 'KioskHeartbeat',
    responses: { 200: 'HeartbeatAck', ...errors(400, 401, 403) },
  },
  {
    operationId: 'listHeartbeats',
    method: 'GET',
    url: '/v1/staff/heartbeats',
    summary: "Every kiosk's latest heartbeat",
    tag: 'staff',
    auth: 'staff',
    responses: { 200: 'HeartbeatList', ...staffErrors },
  },
  {
    operationId: 'listTickets',
    agents: true,
    method: 'GET',
    url: '/v1/staff/tickets',
    summary: 'Tickets, newest first, with filters',
    tag: 'staff',
    auth: 'staff',
    query: S.TicketListQuery,
    responses: { 200: 'TicketList', ...staffErrors },
  },
  {
    operationId: 'getTicket',
    agents: true,
    method: 'GET',
    url: '/v1/staff/tickets/:ticketId',
    summary: 'One ticket with its status history',
    tag: 'staff',
    auth: 'staff',
    params: S.TicketParams,
    responses: { 200: 'TicketDetail', ...staffErrors, 404: 'ApiError' },
  },
  {
    operationId: 'revealCardNumber',
    method: 'POST',
    url: '/v1/staff/tickets/:ticketId/reveal-card-number',
    summary: "The ticket's full card number, for a supervisor or administrator token only; every reveal is written to the audit with who and when",
    tag: 'staff',
    auth: 'staff',
    capability: 'reveal-card-number',
    params: S.TicketParams,
    responses: { 200: 'CardNumberReveal', ...staffErrors, 403: 'ApiError', 404: 'ApiError' },
  },
  {
    operationId: 'listCardReveals',
    method: 'GET',
    url: '/v1/staff/card-reveals',
    summary: 'The audit of card-number reveals, newest first (supervisor or administrator token)',
    tag: 'staff',
    auth: 'staff',
    capability: 'read-card-reveals',
    query: S.CardRevealQuery,
    responses: { 200: 'CardRevealList', ...staffErrors, 403: 'ApiError' },
  },
  {
    operationId: 'changeTicketStatus',
    agents: true,
    method: 'POST',
    url: '/v1/staff/tickets/:ticketId/status',
    summary: "Change a ticket's status with a note; the kiosk gets it through its changes",
    tag: 'staff',
    auth: 'staff',
    params: S.TicketParams,
    requestBody: 'StatusChangeRequest',
    responses: { 200: 'TicketDetail', ...staffErrors, 404: 'ApiError' },
  },
  ...(
    [
      ['assignTicket', 'assign', 'Assign a ticket to a person (null: to nobody); staff only, never shown to the passenger', 'AssignRequest'],
      ['setTicketPriority', 'priority', "Set a ticket's priority; staff only", 'PriorityRequest'],
      ['addTicketNote', 'notes', 'Add an internal note: staff only, never sent to the kiosk or shown on the public page', 'NoteRequest'],
      ['replyToTicket', 'reply', 'Reply to the passenger (optionally with a new status): shown at the kiosk and on the public page', 'ReplyRequest'],
      ['reopenTicket', 'reopen', 'Reopen a resolved, closed or rejected ticket, with the reason (internal)', 'ReopenRequest'],
    ] as const
  ).map(([operationId, path, summary, requestBody]) => ({
    operationId,
    method: 'POST' as const,
    url: `/v1/staff/tickets/:ticketId/${path}`,
    summary,
    tag: 'staff' as const,
    auth: 'staff' as const,
    agents: true,
    params: S.TicketParams,
    requestBody,
    responses: { 200: 'TicketDetail' as const, ...staffErrors, 404: 'ApiError' as const, 409: 'ApiError' as const },
  })),
  {
    operationId: 'getTicketTargets',
    agents: true,
    method: 'GET',
    url: '/v1/staff/ticket-targets',
    summary: 'Hours within which a ticket of each category should be resolved (the defaults where none is set)',
    tag: 'staff',
    auth: 'staff',
    responses: { 200: 'TicketTargetsView', ...staffErrors },
  },
  {
    operationId: 'putTicketTargets',
    method: 'PUT',
    url: '/v1/staff/ticket-targets',
    summary: 'Set the hours per category (supervisor or administrator)',
    tag: 'staff',
    auth: 'staff',
    capability: 'set-ticket-targets',
    requestBody: 'TicketTargets',
    responses: { 200: 'TicketTargetsView', ...staffErrors, 403: 'ApiError' },
  },
  { operationId: 'listPeople',
    agents: true, method: 'GET', url: '/v1/staff/people', summary: 'The people a ticket can be assigned to', tag: 'staff', auth: 'staff', responses: { 200: 'PeopleList', ...staffErrors } },
  {
    operationId: 'listMissedCalls',
    agents: true,
    method: 'GET',
    url: '/v1/staff/missed-calls',
    summary: 'Calls no agent took, newest first, with who worked each through and when',
    tag: 'staff',
    auth: 'staff',
    responses: { 200: 'MissedCallList', ...staffErrors },
  },
  {
    operationId: 'markMissedCallDone',
    agents: true,
    method: 'POST',
    url: '/v1/staff/missed-calls/:callId/done',
    summary: 'Mark a missed call worked through (called back); the first mark stays',
    tag: 'staff',
    auth: 'staff',
    params: S.CallParams,
    requestBody: 'MissedCallDone',
    responses: { 200: 'MissedCallList', ...staffErrors, 404: 'ApiError', 409: 'ApiError' },
  },
  {
    operationId: 'getFleet',
    method: 'GET',
    url: '/v1/staff/fleet',
    summary: 'Every kiosk: online or not, last contact, version, device faults, outbox backlog, clock offset, and whether it is silent too long',
    tag: 'staff',
    auth: 'staff',
    responses: { 200: 'Fleet', ...staffErrors },
  },
  { operationId: 'listRatings', method: 'GET', url: '/v1/staff/ratings', summary: 'Ratings, newest first', tag: 'staff', auth: 'staff', query: S.PageQuery, responses: { 200: 'RatingList', ...staffErrors } },
  {
    operationId: 'listDeviceEvents',
    method: 'GET',
    url: '/v1/staff/device-events',
    summary: 'Device events, newest first',
    tag: 'staff',
    auth: 'staff',
    query: S.PageQuery,
    responses: { 200: 'DeviceEventList', ...staffErrors },
  },
  { operationId: 'listFaq',
    agents: true, method: 'GET', url: '/v1/staff/faq', summary: 'FAQ articles', tag: 'staff', auth: 'staff', responses: { 200: 'FaqList', ...staffErrors } },
  {
    operationId: 'putFaq',
    method: 'PUT',
    url: '/v1/staff/faq/:faqId',
    summary: 'Create or replace a FAQ article',
    tag: 'staff',
    auth: 'staff',
    params: S.FaqParams,
    requestBody: 'FaqArticleInput',
    responses: { 200: 'FaqArticle', ...staffErrors },
  },
  {
    operationId: 'deleteFaq',
    method: 'DELETE',
    url: '/v1/staff/faq/:faqId',
    summary: 'Delete a FAQ article',
    tag: 'staff',
    auth: 'staff',
    params: S.FaqParams,
    responses: { 204: null, ...staffErrors, 404: 'ApiError' },
  },
  { operationId: 'listBlocklist', method: 'GET', url: '/v1/staff/blocklist', summary: 'Blocked cards', tag: 'staff', auth: 'staff', responses: { 200: 'BlocklistList', ...staffErrors } },
  {
    operationId: 'putBlocklist',
    method: 'PUT',
    url: '/v1/staff/blocklist/:cardNumber',
    summary: 'Block a card',
    tag: 'staff',
    auth: 'staff',
    params: S.BlocklistParams,
    requestBody: 'BlocklistInput',
    responses: { 200: 'StaffBlocklistEntry', ...staffErrors },
  },
  {
    operationId: 'deleteBlocklist',
    method: 'DELETE',
    url: '/v1/staff/blocklist/:cardNumber',
    summary: 'Unblock a card',
    tag: 'staff',
    auth: 'staff',
    params: S.BlocklistParams,
    responses: { 204: null, ...staffErrors, 404: 'ApiError' },
  },
  { operationId: 'listKiosks', method: 'GET', url: '/v1/staff/kiosks', summary: 'Kiosks', tag: 'staff', auth: 'staff', responses: { 200: 'KioskList', ...staffErrors } },
  {
    operationId: 'putKiosk',
    method: 'POST',
    url: '/v1/staff/kiosks',
    summary: "Add a kiosk, or replace its token and station",
    tag: 'staff',
    auth: 'staff',
    requestBody: 'KioskInput',
    responses: { 200: 'KioskInfo', ...staffErrors },
  },
  {
    operationId: 'getKioskConfig',
    method: 'GET',
    url: '/v1/staff/kiosks/:kioskId/config',
    summary: "A kiosk's own configuration",
    tag: 'staff',
    auth: 'staff',
    params: S.KioskParams,
    responses: { 200: 'ConfigView', ...staffErrors, 404: 'ApiError' },
  },
  {
    operationId: 'putKioskConfig',
    method: 'PUT',
    url: '/v1/staff/kiosks/:kioskId/config',
    summary: "Replace a kiosk's own configuration",
    tag: 'staff',
    auth: 'staff',
    params: S.KioskParams,
    requestBody: 'ConfigInput',
    responses: { 200: 'ConfigView', ...staffErrors, 404: 'ApiError' },
  },
  { operationId: 'getGlobalConfig', method: 'GET', url: '/v1/staff/config', summary: 'Configuration for every kiosk', tag: 'staff', auth: 'staff', responses: { 200: 'ConfigView', ...staffErrors } },
  {
    operationId: 'putGlobalConfig',
    method: 'PUT',
    url: '/v1/staff/config',
    summary: 'Replace the configuration for every kiosk',
    tag: 'staff',
    auth: 'staff',
    requestBody: 'ConfigInput',
    responses: { 200: 'ConfigView', ...staffErrors },
  },
  {
    operationId: 'listConfigAudit',
    method: 'GET',
    url: '/v1/staff/config/audit',
    summary: "Configuration changes, newest first: who, when, old and new (kioskId=ID: that kiosk's own; kioskId=global: the global configuration)",
    tag: 'staff',
    auth: 'staff',
    query: S.ConfigAuditQuery,
    responses: { 200: 'ConfigAuditList', ...staffErrors },
  },
  {
    operationId: 'listTechnicians',
    method: 'GET',
    url: '/v1/staff/technicians',
    summary: 'Technicians: name, key id, revocation',
    tag: 'staff',
    auth: 'staff',
    responses: { 200: 'TechnicianList', ...staffErrors },
  },
  {
    operationId: 'putTechnician',
    method: 'PUT',
    url: '/v1/staff/technicians/:technicianId',
    summary: "Enrol a technician by their card's ECDSA P-256 public key (a new key replaces the old and lifts a revocation); kiosks get it through their changes",
    tag: 'staff',
    auth: 'staff',
    params: S.TechnicianParams,
    requestBody: 'TechnicianInput',
    responses: { 200: 'TechnicianInfo', ...staffErrors },
  },
  {
    operationId: 'revokeTechnician',
    method: 'POST',
    url: '/v1/staff/technicians/:technicianId/revoke',
    summary: 'Revoke a technician: every kiosk refuses their card from its next sync',
    tag: 'staff',
    auth: 'staff',
    params: S.TechnicianParams,
    responses: { 200: 'TechnicianInfo', ...staffErrors },
  },
] as const satisfies readonly Operation[];

export type OperationId = (typeof OPERATIONS)[number]['operationId'];
