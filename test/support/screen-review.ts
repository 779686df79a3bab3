/**
 * What the screen review checks on a painted kiosk page, as a passenger would meet it: words,
 * not ids or codes; text inside its box; touch targets a finger can hit; dates beside times on
 * trip and transaction lists; a title that is not hidden under the header. Runs inside the page (Playwright `evaluate`) and returns one
 * line per problem, naming the element and its text.
 */
import type { Page } from 'playwright-core';
import { CARD_READ_ERROR_CODES, DIAGNOSIS_CODES } from '../../shared/card.js';
import { TICKET_STATUSES } from '../../shared/ticket.js';
import { REPORT_CATEGORIES } from '../../shared/ui-protocol.js';
import { FAQ_CATEGORY_WORDS } from '../../shared/words.js';

/** Keys a person must never read: statuses, categories, diagnosis and error codes. */
export const SCREEN_KEYS: readonly string[] = [...new Set([...TICKET_STATUSES, ...REPORT_CATEGORIES, ...DIAGNOSIS_CODES, ...CARD_READ_ERROR_CODES, ...Object.keys(FAQ_CATEGORY_WORDS), 'ok', 'fault', 'unknown', 'callback'])];

export const MIN_TARGET_PX = 60;

export interface ReviewOptions {
  /** Selectors whose text is allowed to be machine-like (a ticket id, a URL under a QR code). */
  readonly exempt?: readonly string[];
}

/** Problems on the page as it is painted now; empty when it reads well. */
export async function reviewScreen(page: Page, options: ReviewOptions = {}): Promise<string[]> {
  return page.evaluate(
    ({ keys, minTarget, exempt }) => {
      const problems: string[] = [];
      const visible = (el: Element): boolean => {
        const r = el.getBoundingClientRect();
        const cs = getComputedStyle(el);
        return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none' && Number(cs.opacity) > 0;
      };
      const name = (el: Element): string => {
        const id = el.getAttribute('data-testid');
        const cls = el.getAttribute('class');
        return `<${el.tagName.toLowerCase()}${id ? ` data-testid="${id}"` : ''}${cls ? ` class="${cls}"` : ''}>`;
      };
      const short = (s: string) => (s.length > 60 ? s.slice(0, 57) + '…' : s);
      const isExempt = (el: Element) => exempt.some((sel) => el.closest(sel) !== null);
      const keySet = new Set(keys);
      // Hyphenated English words a sentence may hold; any other kebab-case word is a code.
      const english = new Set(['top-up', 'top-ups', 'single-journey', 'e-purse', 'check-in', 'follow-up', 'self-service', 'up-to-date', 'non-transit']);

      // 1. Visible text that is an id or a code.
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const text = (n.textContent ?? '').trim();
        const el = n.parentElement;
        if (!text || !el || !visible(el) || isExempt(el) || el.closest('script,style,svg') !== null) continue;
        const words = text.split(/[\s,.;:()（），。；：、/]+/).filter(Boolean);
        const kebab = /(^|[^A-Za-z0-9-])[a-z]+(?:-[a-z0-9]+)+(?=$|[^A-Za-z0-9-])/.exec(text);
        const hex = /\b0x[0-9a-fA-F]+\b/.exec(text);
        // A key alone is a code (`ok`, `gate`); the same word inside a sentence is English.
        const key = words.length === 1 && keySet.has(text) ? text : undefined;
        if (kebab && !english.has(kebab[0].replace(/^[^a-z]/, ''))) problems.push(`code-like text "${kebab[0].trim()}" in ${name(el)}: "${short(text)}"`);
        else if (hex) problems.push(`hex code "${hex[0]}" in ${name(el)}: "${short(text)}"`);
        else if (key) problems.push(`key "${key}" shown as a word in ${name(el)}: "${short(text)}"`);
        else if (/\b\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?\b/.test(text)) problems.push(`ISO date or time in ${name(el)}: "${short(text)}"`);
      }

      // 2. Text that overflows its box (clipped or spilling out), and anything off the screen's width.
      const all = Array.from(document.querySelectorAll('body *')).filter(visible);
      for (const el of all) {
        if (el.closest('svg') !== null) continue;
        const hasText = Array.from(el.childNodes).some((c) => c.nodeType === Node.TEXT_NODE && (c.textContent ?? '').trim() !== '');
        const r = el.getBoundingClientRect();
        if (r.right > window.innerWidth + 1 || r.left < -1) problems.push(`${name(el)} "${short(el.textContent?.trim() ?? '')}" runs off the screen (${Math.round(r.left)}..${Math.round(r.right)} of ${window.innerWidth})`);
        if (!hasText) continue;
        const range = document.createRange();
        range.selectNodeContents(el);
        const t = range.getBoundingClientRect();
        const cs = getComputedStyle(el);
        const clipsX = el.scrollWidth > el.clientWidth + 1 && cs.overflowX !== 'visible';
        const clipsY = el.scrollHeight > el.clientHeight + 1 && cs.overflowY !== 'visible' && cs.overflowY !== 'auto' && cs.overflowY !== 'scroll';
        const spills = t.width > 0 && (t.left < r.left - 1 || t.right > r.right + 1 || t.top < r.top - 1 || t.bottom > r.bottom + 1);
        if (clipsX || clipsY || spills) problems.push(`text overflows its box in ${name(el)}: "${short(el.textContent?.trim() ?? '')}" (box ${Math.round(r.width)}×${Math.round(r.height)}, text ${Math.round(t.width)}×${Math.round(t.height)})`);
      }

      // 3. Touch targets under the minimum.
      for (const el of Array.from(document.querySelectorAll('button, a[href], input, select, textarea, [role="button"]')).filter(visible)) {
        const r = el.getBoundingClientRect();
        if (r.width < minTarget - 0.5 || r.height < minTarget - 0.5) {
          problems.push(`touch target ${Math.round(r.width)}×${Math.round(r.height)} px (< ${minTarget}) ${name(el)} "${short(el.textContent?.trim() || el.getAttribute('aria-label') || '')}"`);
        }
      }

      // 4. A time without a date on trip and transaction lists.
      const date = /\d{4}年|\d{1,2}月\d{1,2}日|\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{4}\b|\d{4}-\d{2}-\d{2}|\d{4}\/\d{1,2}\/\d{1,2}/;
      for (const list of Array.from(document.querySelectorAll('[data-testid="trips"], [data-testid="transactions"]'))) {
        for (const row of Array.from(list.querySelectorAll('li, tr, [data-testid="trip"]'))) {
          const text = row.textContent ?? '';
          if (/\b\d{1,2}:\d{2}\b/.test(text) && !date.test(text)) problems.push(`time without a date in ${list.getAttribute('data-testid')}: "${short(text.trim())}"`);
        }
      }
      // 5. The screen's title hidden under the header (the screen opened scrolled down).
      const header = document.querySelector('header.bar');
      const title = document.querySelector('main h1');
      if (header && title && visible(title) && title.getBoundingClientRect().top < header.getBoundingClientRect().bottom - 1) {
        problems.push(`the title "${short(title.textContent?.trim() ?? '')}" is hidden under the header: the screen is scrolled down`);
      }
      return [...new Set(problems)];
    },
    { keys: [...SCREEN_KEYS], minTarget: MIN_TARGET_PX, exempt: [...(options.exempt ?? [])] },
  );
}
