/**
 * The open problems central found by itself (a fault repeating at one kiosk, many tickets of one
 * category at one station), as a banner at the top of the staff page: what repeats where, in both
 * languages, where the kiosk stands, how many reports since when and the latest (Beijing time),
 * and the first linked tickets. It polls
 * `GET /v1/staff/problems?state=open` every 15 s (station staff get their station's only).
 */
import type { Words } from '../../shared/words.js';
import { el } from './dom.js';
import { beijingTime } from './page-words.js';

interface OpenProblem {
  readonly id: number;
  readonly kind: 'kiosk-fault' | 'station-category';
  readonly title: Words;
  readonly kioskLocation: string | null;
  readonly occurrences: number;
  readonly firstAt: string;
  readonly lastAt: string;
  readonly ticketIds: readonly string[];
}

/** Ticket numbers named in the banner at most; the rest are counted. */
const SHOWN_TICKETS = 5;

/** One problem in words: what repeats where (the title), where the kiosk stands, how many, since when and the latest (Beijing time), its tickets. */
function problemItem(p: OpenProblem): HTMLElement {
  const facts: string[] = [];
  if (p.kind === 'kiosk-fault') facts.push(`终端位置 Kiosk location: ${p.kioskLocation ?? '未登记 not recorded'}`);
  facts.push(`共 ${p.occurrences} 次 ${p.occurrences} ${p.occurrences === 1 ? 'report' : 'reports'}`);
  facts.push(`自 since ${beijingTime(p.firstAt)}`);
  facts.push(`最近 latest ${beijingTime(p.lastAt)}（北京时间 Beijing time）`);
  if (p.ticketIds.length > 0) {
    const more = p.ticketIds.length - SHOWN_TICKETS;
    facts.push(`工单 tickets ${p.ticketIds.slice(0, SHOWN_TICKETS).join(', ')}${more > 0 ? ` 等 ${p.ticketIds.length} 张 and ${more} more` : ''}`);
  }
  const item = el('li', null, { 'data-problem-id': String(p.id) });
  item.append(el('span', `${p.title.zh} — ${p.title.en}`, { class: 'problem-title' }), el('br'), el('span', facts.join(' · '), { class: 'problem-facts' }));
  return item;
}

const REFRESH_MS = 15_000;

/** Adds the banner at the top of `app` and keeps it current while `app` is shown. */
export function watchProblems(api: <T>(path: string) => Promise<T>, app: HTMLElement): void {
  const banner = el('section', null, { id: 'problem-alert', class: 'alert', role: 'status', 'data-testid': 'problem-alert' });
  banner.hidden = true;
  app.prepend(banner);
  const load = async (): Promise<void> => {
    if (app.hidden) return;
    try {
      const { problems } = await api<{ problems: readonly OpenProblem[] }>('/v1/staff/problems?state=open&limit=20');
      banner.hidden = problems.length === 0;
      const items = el('ul');
      banner.replaceChildren(el('strong', '⚠ 反复出现的问题 Problems that keep coming back'), items);
      items.append(...problems.map(problemItem));
    } catch {
      // A person whose role may not read problems still works the page.
      banner.hidden = true;
    }
  };
  void load();
  // At once when the page shows (after login), then every 15 s.
  new MutationObserver(() => void load()).observe(app, { attributes: true, attributeFilter: ['hidden'] });
  setInterval(() => void load(), REFRESH_MS);
}
