import { useState } from 'preact/hooks';
import type { Language } from '../../../shared/ui-protocol.js';
import { label } from '../labels.js';
import { OnScreenKeyboard } from '../widgets/keyboard.js';
import { keyLabels, TextField } from './report.js';
import type { ScreenProps, Send } from './types.js';
import { PinnedRow } from '../widgets/pinned-row.js';

/** Search by Chinese words, pinyin initials (`tk` finds 退卡) or English words; the query stays on the page until sent. */
function FaqSearch({ send, lang, open, setOpen }: { send: Send; lang: Language; open: boolean; setOpen: (open: boolean) => void }) {
  const [text, setText] = useState('');
  if (!open)
    return (
      <div class="nav">
        <button type="button" data-testid="faq-search-open" onClick={() => setOpen(true)}>
          {label(lang, 'faq.search-open')}
        </button>
      </div>
    );
  return (
    <section class="faq-search">
      <p class="muted">{label(lang, 'faq.search-hint')}</p>
      <div class="search-row">
        <TextField text={text} short testId="faq-query" />
        <button type="button" class="primary" data-testid="faq-search" disabled={text.trim() === ''} onClick={() => send({ type: 'FAQ.SEARCH', query: text.trim() })}>
          {label(lang, 'faq.search')}
        </button>
      </div>
      <OnScreenKeyboard
        lang={lang}
        actions={{ key: (k) => setText((t) => (t + k).slice(0, 40)), backspace: () => setText((t) => [...t].slice(0, -1).join('')), clear: () => setText('') }}
        phrases={[]}
        onPhrase={() => undefined}
        labels={keyLabels(lang)}
      />
    </section>
  );
}

export function FaqCategoriesScreen({ model, send, lang }: ScreenProps<'faq-categories'>) {
  // While the passenger types a search, the keyboard takes the screen: the categories wait under the Back button.
  const [searching, setSearching] = useState(false);
  return (
    <>
      <h1>{label(lang, 'menu.faq')}</h1>
      <FaqSearch send={send} lang={lang} open={searching} setOpen={setSearching} />
      {model.error !== null && <p class="notice error">{label(lang, 'faq.unavailable')}</p>}
      {model.categories === null && model.error === null && <p class="muted">{label(lang, 'loading')}</p>}
      {!searching && (
        <div class="actions">
          {model.categories?.map((c) => (
            <button type="button" class="action" key={c.id} data-faq-category={c.id} onClick={() => send({ type: 'FAQ.CATEGORY', categoryId: c.id })}>
              {c.label}
            </button>
          ))}
        </div>
      )}
    </>
  );
}

export function FaqListScreen({ model, send, lang }: ScreenProps<'faq-list'>) {
  return (
    <>
      <h1>{model.category?.label ?? model.query ?? label(lang, 'menu.faq')}</h1>
      {model.error !== null && <p class="notice error">{label(lang, 'faq.unavailable')}</p>}
      {model.articles === null && model.error === null && <p class="muted">{label(lang, 'loading')}</p>}
      {model.articles?.length === 0 && <p class="muted">{label(lang, 'noArticles')}</p>}
      <div class="actions" style={{ gridTemplateColumns: '1fr' }} data-scroll-list>
        {model.articles?.map((a) => (
          <button type="button" class="action" style={{ textAlign: 'left' }} key={a.id} data-faq-article={a.id} onClick={() => send({ type: 'FAQ.OPEN', articleId: a.id })}>
            {a.label}
          </button>
        ))}
      </div>
    </>
  );
}

/** An article as a passenger reads it: its title, then each paragraph (the body's blank-line breaks) as its own block. */
export function ArticleText({ title, body, heading = 'h1', testId }: { title: string; body: string; heading?: 'h1' | 'h2'; testId: string }) {
  const Heading = heading;
  return (
    <article class="faq-article" data-testid={testId}>
      <Heading>{title}</Heading>
      {body
        .split(/\n\s*\n|\n/)
        .map((para) => para.trim())
        .filter((para) => para !== '')
        .map((para, i) => (
          <p key={i}>{para}</p>
        ))}
    </article>
  );
}

export function FaqArticleScreen({ model, send, lang }: ScreenProps<'faq-article'>) {
  return (
    <>
      <ArticleText title={model.title} body={model.body} testId="faq-article" />
      <PinnedRow>
        <button type="button" class="primary" data-testid="faq-done" onClick={() => send({ type: 'NEXT' })}>
          {label(lang, 'done')}
        </button>
      </PinnedRow>
    </>
  );
}
