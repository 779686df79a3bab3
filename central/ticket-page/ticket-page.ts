import type { FastifyInstance, FastifyReply } from 'fastify';
import { parseTicketId } from '../../shared/ticket.js';
import { TICKET_CATEGORY_WORDS, TICKET_STATUS_WORDS, type Words } from '../../shared/words.js';
import type { CentralStorage, StoredTicket, TicketHistoryEntry } from '../storage/types.js';
import { FixedWindowLimiter, clientBucket } from './rate-limit.js';
import { beijingTime } from '../../shared/shanghai-date.js';

/** The page has no script; its only style is inline. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const STYLE = `body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:0;padding:16px;max-width:640px;margin-inline:auto;color:#1a1a1a;background:#f6f7f9;line-height:1.5}
h1{font-size:1.25rem;margin:0 0 12px}.card{background:#fff;border-radius:12px;padding:16px;margin-bottom:12px;box-shadow:0 1px 3px #0002}
.id{font-family:ui-monospace,monospace;font-size:1.1rem;letter-spacing:.05em}.status{font-size:1.5rem;font-weight:700;margin:8px 0}
.en{color:#555;font-size:.9em}dl{margin:0}dt{color:#555;font-size:.85rem;margin-top:8px}dd{margin:0}ol{padding-left:1.2em;margin:0}li{margin:8px 0}
.note{white-space:pre-wrap;word-break:break-word}`;

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML element content and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Central keeps ISO times; passengers read Beijing time (UTC+8, no DST). */
const beijingTimeWithZone = (iso: string): string => `${beijingTime(iso)} (UTC+8)`;

const both = (w: Words): string => `${escapeHtml(w.zh)} <span class="en">${escapeHtml(w.en)}</span>`;

function page(title: Words, body: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">
<title>${escapeHtml(title.zh)} · ${escapeHtml(title.en)}</title><style>${STYLE}</style></head>
<body>${body}</body>
</html>
`;
}

function historyItem(h: TicketHistoryEntry): string {
  const note = h.note === null ? '' : `<div class="note">${escapeHtml(h.note)}</div>`;
  return `<li><strong>${both(TICKET_STATUS_WORDS[h.status])}</strong><br><time datetime="${escapeHtml(h.at)}">${escapeHtml(beijingTimeWithZone(h.at))}</time>${note}</li>`;
}

/**
 * The passenger's view of a ticket: id, status, category, times and the status notes written
 * for them. Nothing personal (no card number, phone or description) and no staff names.
 */
export function ticketPageHtml(ticket: StoredTicket, history: readonly TicketHistoryEntry[]): string {
  const note = ticket.statusNote === null ? '' : `<div class="note">${escapeHtml(ticket.statusNote)}</div>`;
  return page(
    { zh: '工单进度', en: 'Ticket status' },
    `<h1>${both({ zh: '工单进度', en: 'Ticket status' })}</h1>
<section class="card"><div class="id">${escapeHtml(ticket.id)}</div>
<div class="status" data-status="${escapeHtml(ticket.status)}">${both(TICKET_STATUS_WORDS[ticket.status])}</div>${note}
<dl><dt>${both({ zh: '类别', en: 'Category' })}</dt><dd>${both(TICKET_CATEGORY_WORDS[ticket.category])}</dd>
<dt>${both({ zh: '提交时间', en: 'Reported' })}</dt><dd><time datetime="${escapeHtml(ticket.createdAt)}">${escapeHtml(beijingTimeWithZone(ticket.createdAt))}</time></dd>
<dt>${both({ zh: '最近更新', en: 'Last update' })}</dt><dd><time datetime="${escapeHtml(ticket.updatedAt)}">${escapeHtml(beijingTimeWithZone(ticket.updatedAt))}</time></dd></dl></section>
<section class="card"><h2>${both({ zh: '处理记录', en: 'History' })}</h2><ol>${history.map(historyItem).join('')}</ol></section>`,
  );
}

function messagePage(reply: FastifyReply, status: number, zh: string, en: string): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', CSP)
    .send(page({ zh, en }, `<h1>${escapeHtml(zh)}</h1><p class="en">${escapeHtml(en)}</p>`));
}

export interface TicketPageOptions {
  readonly storage: CentralStorage;
  /** Requests per client address per minute; beyond that 429. Default 120. */
  readonly perMinute?: number;
  readonly now?: () => number;
}

/**
 * `GET /t/:ticketId`: the page the kiosk's receipt and screen QR code point to. 400 for a
 * malformed id (check digit included), 404 for an unknown one, 429 beyond the rate per client
 * (an IPv4 address or an IPv6 /64). Always HTML, never a stack trace.
 */
export function registerTicketPage(app: FastifyInstance, options: TicketPageOptions): void {
  const limiter = new FixedWindowLimiter(options.perMinute ?? 120, 60_000, options.now ?? Date.now);
  app.get('/t/:ticketId', async (request, reply) => {
    const wait = limiter.take(clientBucket(request.ip));
    if (wait !== null) {
      reply.header('retry-after', String(Math.ceil(wait / 1000)));
      return messagePage(reply, 429, '请求过于频繁，请稍后再试', 'Too many requests; please try again in a minute');
    }
    const raw = (request.params as { ticketId?: unknown }).ticketId;
    // The path carries the id alone: no spaces, no URL around it (parseTicketId tolerates those in typed input).
    const id = typeof raw === 'string' && raw.length <= 40 && /^[A-Za-z0-9-]+$/.test(raw) ? parseTicketId(raw) : null;
    if (id === null) return messagePage(reply, 400, '工单号格式不正确', 'That is not a valid ticket number');
    const found = await options.storage.getTicket(id);
    if (!found) return messagePage(reply, 404, '未找到该工单（刚提交的工单可能需要几分钟才能查到）', 'No ticket with this number yet (a new ticket can take a few minutes to arrive)');
    return reply.type('text/html; charset=utf-8').header('content-security-policy', CSP).send(ticketPageHtml(found.ticket, found.history));
  });
}
