/** Pieces every section of the administration page builds with: a labelled field, an action that reports how it went, a table. */
import type { AdminContext } from './admin.js';
import type { AdminWord } from './admin-words.js';
import { el, messageOf } from './dom.js';

export function field(label: string, input: HTMLElement): HTMLLabelElement {
  const l = el('label', null);
  l.append(el('span', label), input);
  return l;
}

/** Runs a change and shows its outcome above the section (what was done, or why not). */
export async function act(ctx: AdminContext, fn: () => Promise<string>): Promise<void> {
  try {
    ctx.notice(await fn());
  } catch (e) {
    ctx.notice(ctx.t('failed', messageOf(e)), 'error');
  }
}

/** A table whose head names `columns` in words; rows are appended to its body. */
export function table(ctx: AdminContext, testid: string, columns: readonly AdminWord[]): { table: HTMLTableElement; body: HTMLTableSectionElement } {
  const t = el('table', null, { 'data-testid': testid });
  const head = el('tr');
  for (const w of columns) head.append(el('th', ctx.t(w)));
  t.append(el('thead'), el('tbody'));
  t.tHead!.append(head);
  return { table: t, body: t.tBodies[0]! };
}

export function button(text: string, testid: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', text, { type: 'button', 'data-testid': testid });
  b.addEventListener('click', onClick);
  return b;
}
