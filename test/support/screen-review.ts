/**
 * What the screen review checks on a painted kiosk page, as a passenger would meet it: words,
 * not ids or codes; text inside its box; touch targets a finger can hit; dates beside times on
 * trip and transaction lists; a title that is not hidden under the header; no text or button
 * drawn over another; every button of the screen above the fold (not under the countdown bar,
 * not only reachable by scrolling) and not covered; nothing that scrolls ever under the pinned
 * button row (the screen is scrolled from top to end to see), and the last item whole and
 * tappable at the end. Runs inside the page (Playwright `evaluate`), leaves the screen scrolled
 * where it was, and returns one line per problem, naming the element and its text.
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

      // What shows without scrolling: the screen (main) from its top down to the fold, which is the
      // screen's bottom, the countdown bar's top or the window's bottom. What scrolls (the screen's
      // body) shows down to the top of the pinned button row: the row under the body, or a
      // navigation row kept in view (sticky) inside it.
      const screen = document.querySelector('main');
      const footer = document.querySelector('footer');
      const screenBox = screen?.getBoundingClientRect();
      const body = screen?.querySelector('.screen-body') ?? screen;
      const row = screen?.querySelector('.pinned-row');
      const sticky = body ? Array.from(body.querySelectorAll('.nav')).find((n) => ['sticky', 'fixed'].includes(getComputedStyle(n).position) && visible(n)) : undefined;
      const pinned = sticky ?? (row && visible(row) ? row : undefined);
      const fold = Math.min(screenBox?.bottom ?? window.innerHeight, footer && visible(footer) ? footer.getBoundingClientRect().top : Infinity, window.innerHeight);
      const contentFold = Math.min(fold, body?.getBoundingClientRect().bottom ?? Infinity, pinned ? pinned.getBoundingClientRect().top : Infinity);
      const inView = (el: Element): boolean => {
        const r = el.getBoundingClientRect();
        if (!screen?.contains(el)) return true;
        const bottom = pinned?.contains(el) ? fold : contentFold;
        return r.top >= (screenBox?.top ?? 0) - 1 && r.bottom <= bottom + 1;
      };

      // 6. Text or buttons drawn over one another: two boxes in view, neither inside the other, that cross.
      const blocks = all.filter(
        (el) =>
          el.closest('svg') === null &&
          inView(el) &&
          (el.matches('button, [role="button"], input') || Array.from(el.childNodes).some((c) => c.nodeType === Node.TEXT_NODE && (c.textContent ?? '').trim() !== '')),
      );
      const rects = blocks.map((el) => el.getBoundingClientRect());
      for (let i = 0; i < blocks.length; i++) {
        for (let j = i + 1; j < blocks.length; j++) {
          const a = blocks[i]!;
          const b = blocks[j]!;
          if (a.contains(b) || b.contains(a)) continue;
          const ra = rects[i]!;
          const rb = rects[j]!;
          const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
          const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
          if (w > 2 && h > 2) problems.push(`${name(a)} "${short(a.textContent?.trim() ?? '')}" overlaps ${name(b)} "${short(b.textContent?.trim() ?? '')}"`);
        }
      }

      // 7. Buttons a passenger cannot see without scrolling (below the fold, under the countdown bar or the
      // pinned navigation row), or covered by something else. A list meant to scroll ([data-scroll-list])
      // may go on below the fold, but its first button shows.
      if (screen) {
        for (const el of Array.from(screen.querySelectorAll('button, [role="button"]')).filter(visible)) {
          const list = el.closest('[data-scroll-list]');
          if (list && list.querySelector('button, [role="button"]') !== el) continue;
          const r = el.getBoundingClientRect();
          if (!inView(el)) {
            problems.push(`button ${name(el)} "${short(el.textContent?.trim() ?? '')}" is below the fold (its bottom at ${Math.round(r.bottom)} px, the screen shows down to ${Math.round(pinned?.contains(el) ? fold : contentFold)} px)`);
            continue;
          }
          const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          if (hit && !el.contains(hit)) problems.push(`button ${name(el)} "${short(el.textContent?.trim() ?? '')}" is covered by ${name(hit)}`);
        }
      }

      // 8. What scrolls, covered by the pinned button row at some scroll position: the body is scrolled
      // from its top to its end in steps of half its height, and at each step no part of anything drawn
      // in it (clipped by the boxes it scrolls in) may lie under the row. At the end, the lowest item
      // shows whole above the row and the countdown bar, and a tap on its middle reaches it.
      if (body) {
        const clipped = (el: Element): { top: number; bottom: number; left: number; right: number } => {
          const r = el.getBoundingClientRect();
          let box = { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
          for (let a = el.parentElement; a && body.contains(a); a = a.parentElement) {
            const cs = getComputedStyle(a);
            if (cs.overflowX === 'visible' && cs.overflowY === 'visible') continue;
            const c = a.getBoundingClientRect();
            box = { top: Math.max(box.top, c.top + a.clientTop), bottom: Math.min(box.bottom, c.top + a.clientTop + a.clientHeight), left: Math.max(box.left, c.left), right: Math.min(box.right, c.right) };
          }
          return box;
        };
        const innerScroller = (el: Element): Element | null => {
          let found: Element | null = null;
          for (let a = el.parentElement; a && a !== body; a = a.parentElement) if (getComputedStyle(a).overflowY !== 'visible') found = a;
          return found;
        };
        const items = Array.from(body.querySelectorAll('*')).filter(
          (el) =>
            visible(el) &&
            el.closest('svg') === null &&
            !sticky?.contains(el) &&
            (el.matches('button, [role="button"], input, li, img, video') || Array.from(el.childNodes).some((c) => c.nodeType === Node.TEXT_NODE && (c.textContent ?? '').trim() !== '')),
        );
        const start = body.scrollTop;
        const end = Math.max(0, body.scrollHeight - body.clientHeight);
        const step = Math.max(40, Math.floor(body.clientHeight / 2));
        const positions = [...Array.from({ length: Math.floor(end / step) + 1 }, (_, i) => i * step), end];
        if (pinned && !sticky && body.getBoundingClientRect().bottom > pinned.getBoundingClientRect().top + 1) problems.push(`the scrolling area runs under the pinned button row`);
        const covered = new Set<Element>();
        try {
          for (const at of positions) {
            body.scrollTop = at;
            const p = pinned?.getBoundingClientRect();
            if (!p) break;
            for (const el of items) {
              const c = clipped(el);
              const w = Math.min(c.right, p.right) - Math.max(c.left, p.left);
              const h = Math.min(c.bottom, p.bottom) - Math.max(c.top, p.top);
              if (w > 1 && h > 1 && !covered.has(el)) {
                covered.add(el);
                problems.push(`${name(el)} "${short(el.textContent?.trim() ?? '')}" is covered by the pinned button row when the screen is scrolled to ${Math.round(at)} px`);
              }
            }
          }
          body.scrollTop = end;
          const lowest = items
            .map((el) => innerScroller(el) ?? el)
            .reduce<Element | null>((low, el) => (low === null || el.getBoundingClientRect().bottom >= low.getBoundingClientRect().bottom ? el : low), null);
          if (lowest) {
            const r = lowest.getBoundingClientRect();
            const bottom = Math.min(contentFold, pinned ? pinned.getBoundingClientRect().top : Infinity, body.getBoundingClientRect().top + body.clientTop + body.clientHeight);
            const what = `${name(lowest)} "${short(lowest.textContent?.trim() ?? '')}"`;
            if (r.bottom > bottom + 1 || r.top < body.getBoundingClientRect().top - 1) problems.push(`the last item ${what} does not show whole when the screen is scrolled to its end (${Math.round(r.top)}..${Math.round(r.bottom)} px, the screen shows down to ${Math.round(bottom)} px)`);
            else {
              const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
              if (!hit || !(lowest.contains(hit) || hit.contains(lowest))) problems.push(`the last item ${what} cannot be tapped when the screen is scrolled to its end: ${hit ? name(hit) : 'nothing'} is over it`);
            }
          }
        } finally {
          body.scrollTop = start;
        }
      }
      return [...new Set(problems)];
    },
    { keys: [...SCREEN_KEYS], minTarget: MIN_TARGET_PX, exempt: [...(options.exempt ?? [])] },
  );
}

/**
 * The elements a passenger must see as the screen opens, each named by a selector (its first
 * match): one line per element that is missing or not wholly between the screen's top and the
 * fold (the countdown bar, the screen's bottom, or the top of the pinned button row), with the
 * screen not scrolled. Empty when all of them show.
 */
export async function notAboveTheFold(page: Page, selectors: readonly string[]): Promise<string[]> {
  return page.evaluate((selectors) => {
    const problems: string[] = [];
    const screen = document.querySelector('main');
    if (!screen) return ['no screen'];
    const body = screen.querySelector('.screen-body') ?? screen;
    if (body.scrollTop > 0) problems.push(`the screen opened scrolled down by ${Math.round(body.scrollTop)} px`);
    const shown = (el: Element) => {
      const cs = getComputedStyle(el);
      return cs.display !== 'none' && cs.visibility !== 'hidden';
    };
    const footer = document.querySelector('footer');
    const row = screen.querySelector('.pinned-row');
    const pinned = Array.from(body.querySelectorAll('.nav')).find((n) => getComputedStyle(n).position === 'sticky' && shown(n)) ?? (row && shown(row) && row.childElementCount > 0 ? row : undefined);
    const box = body.getBoundingClientRect();
    const fold = Math.min(box.bottom, footer && shown(footer) ? footer.getBoundingClientRect().top : Infinity, window.innerHeight, pinned ? pinned.getBoundingClientRect().top : Infinity);
    for (const selector of selectors) {
      const el = body.querySelector(selector);
      if (!el || !shown(el)) {
        problems.push(`${selector} is not on the screen`);
        continue;
      }
      const r = el.getBoundingClientRect();
      const text = (el.textContent ?? '').trim().slice(0, 50);
      if (r.top < box.top - 1 || r.bottom > fold + 1) problems.push(`${selector} "${text}" is not in view without scrolling (${Math.round(r.top)}..${Math.round(r.bottom)} px, the screen shows ${Math.round(box.top)}..${Math.round(fold)} px)`);
    }
    return problems;
  }, [...selectors]);
}
