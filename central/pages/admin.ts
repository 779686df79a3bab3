/**
 * The administration page (`/admin/`): kiosks, technicians, blocked cards, help articles,
 * stations, accounts and the audit, one tab each. A person sees the tabs their role may use
 * (central/accounts/roles.ts): administrators all, supervisors blocked cards, help articles and the audit. Every value from central is set as text.
 */
import { fillWords } from '../../shared/words.js';
import { ADMIN_WORDS, type AdminWord } from './admin-words.js';
import { accountsSection } from './admin-accounts.js';
import { auditSection } from './admin-audit.js';
import { blocklistSection } from './admin-blocklist.js';
import { faqSection } from './admin-faq.js';
import { kiosksSection } from './admin-kiosks.js';
import { stationsSection } from './admin-stations.js';
import { techniciansSection } from './admin-technicians.js';
import { byId, el, messageOf } from './dom.js';
import { addInsightLink } from './insight-link.js';
import { accountBar, pageLanguage, requireSession, setPageLanguage, showDemoBanner, type PageLanguage, type PageSession } from './session.js';

export interface AdminContext {
  readonly lang: PageLanguage;
  readonly session: PageSession;
  t(word: AdminWord, ...values: (string | number)[]): string;
  /** Shows what happened (or what went wrong) above the section. */
  notice(text: string, kind?: 'ok' | 'error'): void;
  rerender(): void;
}

export interface AdminSection {
  readonly id: string;
  readonly word: AdminWord;
  /** The capability a person needs to see this section. */
  readonly capability: string;
  render(ctx: AdminContext, into: HTMLElement): Promise<void>;
}

const SECTIONS: readonly AdminSection[] = [accountsSection, kiosksSection, techniciansSection, blocklistSection, faqSection, stationsSection, auditSection];

let lang: PageLanguage = pageLanguage();
let session: PageSession | null = null;
let chosen = location.hash.slice(1);

function context(s: PageSession): AdminContext {
  return {
    lang,
    session: s,
    t: (word, ...values) => fillWords(ADMIN_WORDS[word][lang], ...values),
    notice(text, kind = 'ok') {
      const p = byId('page-error');
      p.className = kind === 'ok' ? 'notice' : 'error';
      p.textContent = text;
    },
    rerender: () => void render(),
  };
}

async function render(): Promise<void> {
  if (!session) return;
  const s = session;
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  byId('title').textContent = ADMIN_WORDS.title[lang];
  byId('language').textContent = ADMIN_WORDS.language[lang];
  document.getElementById('demo-banner')?.remove();
  if (s.demo) showDemoBanner(lang);
  byId('account').replaceChildren(accountBar(s, lang));
  const mine = SECTIONS.filter((x) => s.person.capabilities.includes(x.capability));
  const ctx = context(s);
  if (mine.length === 0) {
    byId('tabs').replaceChildren();
    byId('section').replaceChildren(el('p', ctx.t('notAllowed'), { class: 'error', 'data-testid': 'not-allowed' }));
    return;
  }
  const current = mine.find((x) => x.id === chosen) ?? mine[0]!;
  byId('tabs').replaceChildren(
    ...mine.map((x) => {
      const b = el('button', ctx.t(x.word), { type: 'button', 'data-testid': `tab-${x.id}` });
      if (x === current) b.setAttribute('aria-current', 'page');
      b.addEventListener('click', () => {
        chosen = x.id;
        history.replaceState(null, '', `#${x.id}`);
        byId('page-error').textContent = '';
        void render();
      });
      return b;
    }),
  );
  const into = el('section', null, { 'data-section': current.id });
  byId('section').replaceChildren(into);
  try {
    await current.render(ctx, into);
  } catch (e) {
    ctx.notice(ctx.t('failed', messageOf(e)), 'error');
  }
}

byId('language').addEventListener('click', () => {
  lang = lang === 'zh' ? 'en' : 'zh';
  setPageLanguage(lang);
  void render();
});

void requireSession().then((s) => {
  session = s;
  return render();
});
void addInsightLink(document.querySelector('header .account-bar'));
