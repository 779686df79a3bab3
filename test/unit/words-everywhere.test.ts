/**
 * One word for one thing: the kiosk's screens, the passenger's ticket page, the staff page and
 * the agent console name every ticket category, ticket status and card family with the words
 * of shared/words.ts. Each page's own label function is run for every key and compared with
 * the table, so a page that writes its own word (交通卡问题 on one, 卡片问题 on another) fails here.
 */
import { describe, expect, it } from 'vitest';
import { categoryText, familyText, statusText } from '../../central/pages/labels.js';
import type { StoredTicket } from '../../central/storage/types.js';
import { escapeHtml, ticketPageHtml } from '../../central/ticket-page/ticket-page.js';
import { familyLabel as kioskFamilyLabel } from '../../kiosk/i18n/card-words.js';
import { categoryLabel as kioskCategoryLabel, ticketStatusLabel as kioskStatusLabel } from '../../kiosk/i18n/labels.js';
import { CALL_WORDS, callText } from '../../kiosk/ui/call/texts.js';
import { LABELS, label } from '../../kiosk/ui/labels.js';
import { MAINTENANCE_WORDS, mt } from '../../kiosk/ui/maintenance/texts.js';
import { CARD_FAMILIES } from '../../shared/card.js';
import { TICKET_CATEGORIES, TICKET_STATUSES, makeTicketId } from '../../shared/ticket.js';
import { LANGUAGES } from '../../shared/ui-protocol.js';
import { CARD_FAMILY_WORDS, KIOSK_SHARED_WORDS, TICKET_CATEGORY_WORDS, TICKET_STATUS_WORDS, bothLanguages, fillWords, type Words } from '../../shared/words.js';

function storedTicket(over: Partial<StoredTicket>): StoredTicket {
  return {
    id: makeTicketId('GZ0102', '2026-12-01', 7),
    category: 'gate',
    description: 'gate',
    phone: null,
    card: null,
    stationId: 'GZ-TIYUXILU',
    kioskId: 'GZ0102',
    createdAt: '2026-12-01T09:30:00+08:00',
    language: 'zh',
    status: 'open',
    statusNote: null,
    updatedAt: '2026-12-01T01:30:00Z',
    receivedAt: '2026-12-01T01:30:01Z',
    assignee: null,
    priority: 'normal',
    serverSeq: 1,
    ...over,
  };
}

describe('one word for one thing', () => {
  it('the tables have a word in both languages for every key, and no two keys share a word', () => {
    for (const [table, keys] of [
      [TICKET_CATEGORY_WORDS, TICKET_CATEGORIES],
      [TICKET_STATUS_WORDS, TICKET_STATUSES],
      [CARD_FAMILY_WORDS, CARD_FAMILIES],
    ] as const) {
      expect(Object.keys(table).sort()).toEqual([...keys].sort());
      for (const lang of LANGUAGES) {
        const words = Object.values(table).map((w) => w[lang]);
        expect(words.every((w) => w.trim() !== '')).toBe(true);
        expect(new Set(words).size).toBe(words.length);
      }
    }
  });

  it('the kiosk names categories, statuses and families with the table', () => {
    for (const lang of LANGUAGES) {
      for (const c of TICKET_CATEGORIES) expect(kioskCategoryLabel(lang, c)).toBe(TICKET_CATEGORY_WORDS[c][lang]);
      for (const s of TICKET_STATUSES) expect(kioskStatusLabel(lang, s)).toBe(TICKET_STATUS_WORDS[s][lang]);
      for (const f of CARD_FAMILIES) expect(kioskFamilyLabel(lang, f)).toBe(CARD_FAMILY_WORDS[f][lang]);
    }
  });

  it('the staff page and the agent console name them with the table, both languages', () => {
    for (const c of TICKET_CATEGORIES) expect(categoryText(c)).toBe(`${TICKET_CATEGORY_WORDS[c].zh} ${TICKET_CATEGORY_WORDS[c].en}`);
    for (const s of TICKET_STATUSES) expect(statusText(s)).toBe(bothLanguages(TICKET_STATUS_WORDS[s]));
    for (const f of CARD_FAMILIES) expect(familyText(f)).toBe(bothLanguages(CARD_FAMILY_WORDS[f]));
  });

  it("the passenger's ticket page shows the table's words for every category and status", () => {
    for (const category of TICKET_CATEGORIES) {
      for (const status of TICKET_STATUSES) {
        const html = ticketPageHtml(storedTicket({ category, status }), [{ status, note: null, actor: 'staff', at: '2026-12-01T02:00:00Z' }]);
        for (const words of [TICKET_CATEGORY_WORDS[category], TICKET_STATUS_WORDS[status]]) {
          expect(html).toContain(escapeHtml(words.zh));
          expect(html).toContain(escapeHtml(words.en));
        }
      }
    }
    // The word of one category never stands on another category's page.
    const gate = ticketPageHtml(storedTicket({ category: 'gate' }), []);
    expect(gate).not.toContain(TICKET_CATEGORY_WORDS['card-problem'].zh);
  });

  it('the kiosk screens say a call word once: the fallback screen, the call screen and the technician screens agree', () => {
    for (const lang of LANGUAGES) {
      for (const key of Object.keys(KIOSK_SHARED_WORDS) as (keyof typeof KIOSK_SHARED_WORDS)[]) {
        const word = KIOSK_SHARED_WORDS[key][lang];
        expect([label(lang, key), callText(lang, key), mt(lang, key)]).toEqual([word, word, word]);
      }
    }
    expect(label('en', 'phone.count', 4)).toBe('4 of 11 digits');
    expect(mt('zh', 'pin.wrong', 2)).toBe('密码错误，还可尝试 2 次');
  });

  it("the kiosk's three screen tables hold each word once: a thing said on two of them lives in shared/words.ts", () => {
    const tables = { labels: LABELS, call: CALL_WORDS, maintenance: MAINTENANCE_WORDS } as const;
    const shared = new Set(Object.values(KIOSK_SHARED_WORDS).map((w) => `${w.zh}|${w.en}`));
    const owners = new Map<string, string[]>();
    for (const [table, words] of Object.entries(tables)) {
      for (const [key, w] of Object.entries(words as Readonly<Record<string, Words>>)) {
        if (key in KIOSK_SHARED_WORDS) continue;
        const both = `${w.zh}|${w.en}`;
        expect(shared.has(both), `${table} ${key} repeats a shared word`).toBe(false);
        owners.set(both, [...(owners.get(both) ?? []), `${table}.${key}`]);
      }
    }
    expect([...owners.entries()].filter(([, keys]) => keys.length > 1)).toEqual([]);
  });

  it('one placeholder style: {0}, {1}… filled in order, every time they stand', () => {
    expect(fillWords('{0} of {1}, {0} again', 4, 11)).toBe('4 of 11, 4 again');
    expect(fillWords('no placeholder', 1)).toBe('no placeholder');
  });
});
