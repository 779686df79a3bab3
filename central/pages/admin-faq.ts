/**
 * Help articles: the list; an editor for the Chinese and English title and text with a preview
 * drawn as the kiosk draws an article (title, then each paragraph); publishing saves the article
 * at central, and kiosks get it through their change feed at their next sync.
 */
import { FAQ_CATEGORY_WORDS, faqCategoryWords } from '../../shared/words.js';
import type { AdminContext, AdminSection } from './admin.js';
import { act, button, field, table } from './admin-parts.js';
import { el } from './dom.js';
import { api, beijingTime } from './session.js';

interface Words {
  readonly zh: string;
  readonly en: string;
}
interface Article {
  readonly id: string;
  readonly category: string;
  readonly title: Words;
  readonly body: Words;
  readonly updatedAt: string;
}

/** The article as a kiosk shows it (kiosk/ui/screens/faq.tsx `ArticleText`): its title, then each line or paragraph of the text as a paragraph. */
export function kioskArticle(title: string, body: string, testid: string): HTMLElement {
  const article = el('article', null, { class: 'kiosk-article', 'data-testid': testid });
  article.append(el('h2', title));
  for (const para of body.split(/\n\s*\n|\n/).map((p) => p.trim()).filter((p) => p !== '')) article.append(el('p', para));
  return article;
}

/** An id for a new article from its English title (`My card has expired` → `my-card-has-expired`), not one in use. */
function newId(title: string, taken: ReadonlySet<string>): string {
  const base = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 56) || 'article';
  let id = base;
  for (let i = 2; taken.has(id); i++) id = `${base}-${i}`;
  return id;
}

function editor(ctx: AdminContext, article: Article | null, taken: ReadonlySet<string>, done: () => void): HTMLElement {
  const box = el('form', null, { class: 'panel column', 'data-testid': 'faq-editor' });
  const category = el('select', null, { 'data-testid': 'faq-category' });
  const categories = Object.keys(FAQ_CATEGORY_WORDS);
  if (article && !categories.includes(article.category)) categories.push(article.category);
  for (const c of categories) category.append(new Option(faqCategoryWords(c)[ctx.lang], c, false, c === (article?.category ?? 'card')));
  const titleZh = el('input', null, { maxlength: '200', value: article?.title.zh ?? '', 'data-testid': 'faq-title-zh' });
  const titleEn = el('input', null, { maxlength: '200', value: article?.title.en ?? '', 'data-testid': 'faq-title-en' });
  const bodyZh = el('textarea', null, { maxlength: '10000', 'data-testid': 'faq-body-zh' });
  const bodyEn = el('textarea', null, { maxlength: '10000', 'data-testid': 'faq-body-en' });
  bodyZh.value = article?.body.zh ?? '';
  bodyEn.value = article?.body.en ?? '';
  const preview = el('div', null, { class: 'kiosk-preview', 'data-testid': 'faq-preview' });
  const draw = (): void => preview.replaceChildren(kioskArticle(titleZh.value, bodyZh.value, 'faq-preview-zh'), kioskArticle(titleEn.value, bodyEn.value, 'faq-preview-en'));
  for (const input of [titleZh, titleEn, bodyZh, bodyEn]) input.addEventListener('input', draw);
  draw();
  const columns = el('div', null, { class: 'two-columns' });
  const zh = el('div', null, { class: 'panel column' });
  zh.append(field(ctx.t('titleZh'), titleZh), field(ctx.t('bodyZh'), bodyZh));
  const en = el('div', null, { class: 'panel column' });
  en.append(field(ctx.t('titleEn'), titleEn), field(ctx.t('bodyEn'), bodyEn));
  columns.append(zh, en);
  const buttons = el('div', null, { class: 'actions' });
  buttons.append(el('button', ctx.t('publish'), { type: 'submit', 'data-testid': 'faq-publish' }), button(ctx.t('cancel'), 'faq-cancel', done));
  box.append(field(ctx.t('category'), category), columns, el('h3', ctx.t('preview')), preview, buttons);
  box.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void act(ctx, async () => {
      const title = { zh: titleZh.value.trim(), en: titleEn.value.trim() };
      const body = { zh: bodyZh.value.trim(), en: bodyEn.value.trim() };
      if (!title.zh || !title.en || !body.zh || !body.en) throw new Error(ctx.t('needBoth'));
      const id = article?.id ?? newId(title.en, taken);
      await api(`/v1/staff/faq/${encodeURIComponent(id)}`, { method: 'PUT', body: { category: category.value, title, body } });
      done();
      return ctx.t('published', title[ctx.lang]);
    });
  });
  return box;
}

export const faqSection: AdminSection = {
  id: 'faq',
  word: 'faq',
  capability: 'manage-faq',
  async render(ctx, into) {
    const { articles } = await api<{ articles: Article[] }>('/v1/staff/faq');
    const taken = new Set(articles.map((a) => a.id));
    const editorSlot = el('div');
    const open = (a: Article | null): void => {
      editorSlot.replaceChildren(editor(ctx, a, taken, () => ctx.rerender()));
      editorSlot.scrollIntoView({ block: 'start' });
    };
    const { table: t, body } = table(ctx, 'faq-articles', ['articleTitle', 'category', 'updated', 'actions']);
    for (const a of [...articles].sort((x, y) => x.category.localeCompare(y.category) || x.title[ctx.lang].localeCompare(y.title[ctx.lang]))) {
      const tr = el('tr', null, { 'data-article': a.id });
      const actions = el('td', null, { class: 'actions' });
      actions.append(button(ctx.t('edit'), 'faq-edit', () => open(a)));
      tr.append(el('td', a.title[ctx.lang]), el('td', faqCategoryWords(a.category)[ctx.lang]), el('td', beijingTime(a.updatedAt)), actions);
      body.append(tr);
    }
    into.append(button(ctx.t('newArticle'), 'faq-new', () => open(null)), editorSlot, el('p', ctx.t('when'), { class: 'muted' }), t);
  },
};
