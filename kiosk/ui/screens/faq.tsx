import { label } from '../labels.js';
import type { ScreenProps } from './types.js';

export function FaqCategoriesScreen({ model, send, lang }: ScreenProps<'faq-categories'>) {
  return (
    <>
      <h1>{label(lang, 'faq.title')}</h1>
      {model.error !== null && <p class="notice error">{label(lang, 'faq.unavailable')}</p>}
      {model.categories === null && model.error === null && <p class="muted">{label(lang, 'loading')}</p>}
      <div class="actions">
        {model.categories?.map((c) => (
          <button type="button" class="action" key={c.id} onClick={() => send({ type: 'FAQ.CATEGORY', categoryId: c.id })}>
            {c.label}
          </button>
        ))}
      </div>
    </>
  );
}

export function FaqListScreen({ model, send, lang }: ScreenProps<'faq-list'>) {
  return (
    <>
      <h1>{model.category?.label ?? model.query ?? label(lang, 'faq.title')}</h1>
      {model.error !== null && <p class="notice error">{label(lang, 'faq.unavailable')}</p>}
      {model.articles === null && model.error === null && <p class="muted">{label(lang, 'loading')}</p>}
      {model.articles?.length === 0 && <p class="muted">{label(lang, 'noArticles')}</p>}
      <div class="actions" style={{ gridTemplateColumns: '1fr' }}>
        {model.articles?.map((a) => (
          <button type="button" class="action" style={{ textAlign: 'left' }} key={a.id} onClick={() => send({ type: 'FAQ.OPEN', articleId: a.id })}>
            {a.label}
          </button>
        ))}
      </div>
    </>
  );
}

export function FaqArticleScreen({ model }: ScreenProps<'faq-article'>) {
  return (
    <article>
      <h1>{model.title}</h1>
      {model.body.split(/\n+/).map((para, i) => (
        <p key={i}>{para}</p>
      ))}
    </article>
  );
}
