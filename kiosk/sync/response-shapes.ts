import { isTechnicianCredential, type AnyChangesResponse, type AnyDownChange, type IngestAck, type IngestReject, type IngestResponse } from '../../shared/sync.js';
import { TICKET_STATUSES } from '../../shared/ticket.js';

// Central is trusted but the path to it is not: a truncated or garbled answer must change nothing.

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const isTime = (v: unknown): v is string => isStr(v) && !Number.isNaN(Date.parse(v));
const isNullableStr = (v: unknown): boolean => v === null || isStr(v);

function isAck(v: unknown): v is IngestAck {
  return isObj(v) && isStr(v.id) && isInt(v.seq) && (v.status === 'stored' || v.status === 'duplicate') && isInt(v.serverSeq) && isTime(v.receivedAt);
}

function isReject(v: unknown): v is IngestReject {
  return isObj(v) && isNullableStr(v.id) && (v.seq === null || isInt(v.seq)) && isStr(v.code) && isStr(v.reason);
}

export function asIngestResponse(v: unknown): IngestResponse | null {
  if (!isObj(v) || !Array.isArray(v.acks) || !Array.isArray(v.rejects) || !isTime(v.serverTime)) return null;
  return v.acks.every(isAck) && v.rejects.every(isReject) ? (v as unknown as IngestResponse) : null;
}

function isText(v: unknown): v is { zh: string; en: string } {
  return isObj(v) && isStr(v.zh) && isStr(v.en);
}

function isStationRow(v: unknown): boolean {
  return (
    isObj(v) &&
    isInt(v.line) &&
    (v.station === null || isInt(v.station)) &&
    isText(v.lineName) &&
    (v.stationName === null || isText(v.stationName))
  );
}

function isChange(v: unknown): v is AnyDownChange {
  if (!isObj(v) || !isInt(v.cursor)) return false;
  switch (v.type) {
    case 'ticket-status': {
      const u = v.update;
      return isObj(u) && isStr(u.ticketId) && (TICKET_STATUSES as readonly unknown[]).includes(u.status) && isNullableStr(u.note) && isStr(u.updatedAt);
    }
    case 'faq': {
      const a = v.article;
      return typeof v.deleted === 'boolean' && isObj(a) && isStr(a.id) && isStr(a.category) && isText(a.title) && isText(a.body) && isStr(a.updatedAt);
    }
    case 'config':
      return isObj(v.config);
    case 'blocklist':
      return typeof v.deleted === 'boolean' && isObj(v.entry) && isStr(v.entry.cardNumber) && isStr(v.entry.reason);
    case 'technician':
      return isTechnicianCredential(v.technician);
    case 'alarm': {
      const a = v.alarm;
      return isObj(a) && isStr(a.id) && a.state === 'acknowledged' && (a.by === 'staff' || a.by === 'agent') && isTime(a.at);
    }
    case 'stations': {
      const t = v.table;
      return isObj(t) && isStr(t.cityCode) && isStr(t.source) && isStr(t.updatedAt) && Array.isArray(t.rows) && t.rows.every(isStationRow);
    }
    default:
      return false;
  }
}

export function asChangesResponse(v: unknown): AnyChangesResponse | null {
  if (!isObj(v) || !Array.isArray(v.changes) || !isInt(v.cursor) || typeof v.more !== 'boolean' || !isTime(v.serverTime)) return null;
  return v.changes.every(isChange) ? (v as unknown as AnyChangesResponse) : null;
}

export function asHealth(v: unknown): { serverTime: string } | null {
  return isObj(v) && isTime(v.serverTime) ? { serverTime: v.serverTime } : null;
}
