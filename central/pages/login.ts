/**
 * Central's login page (`/login/`): user name and password, in Chinese or English. A person
 * logged in goes on to `next` (a path on central) or to their role's page.
 */
import { fillWords, LOGIN_WORDS, type Words } from '../../shared/words.js';
import { byId, el } from './dom.js';
import { beijingTime, pageLanguage, setPageLanguage, showDemoBanner, type PageLanguage } from './session.js';

interface DemoInfo {
  readonly demo: boolean;
  readonly logins: readonly { username: string; password: string; roleWords: Words }[];
}

let lang: PageLanguage = pageLanguage();
let demo: DemoInfo = { demo: false, logins: [] };

function render(): void {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = `${LOGIN_WORDS.title[lang]} — Station Kiosk central`;
  byId('title').textContent = LOGIN_WORDS.title[lang];
  byId('language').textContent = LOGIN_WORDS.language[lang];
  byId('username-label').textContent = LOGIN_WORDS.username[lang];
  byId('password-label').textContent = LOGIN_WORDS.password[lang];
  byId('sign-in').textContent = LOGIN_WORDS.signIn[lang];
  document.getElementById('demo-banner')?.remove();
  if (demo.demo) {
    showDemoBanner(lang);
    byId('demo-logins').hidden = false;
    byId('demo-logins-title').textContent = LOGIN_WORDS.demoLogins[lang];
    const rows = byId('demo-logins-rows');
    rows.replaceChildren(
      ...demo.logins.map((l) => {
        const tr = el('tr');
        tr.append(el('td', l.roleWords[lang]), el('td', l.username), el('td', l.password));
        return tr;
      }),
    );
  }
}

/** A path on central to go back to; anything else (another site, `//host`) is ignored. */
function nextPath(): string | null {
  const next = new URLSearchParams(location.search).get('next');
  return next !== null && /^\/(?!\/)[\x21-\x7e]*$/.test(next) && !next.includes('\\') ? next : null;
}

byId('language').addEventListener('click', () => {
  lang = lang === 'zh' ? 'en' : 'zh';
  setPageLanguage(lang);
  render();
});

byId('login-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const error = byId('login-error');
  error.textContent = '';
  const username = byId('username', HTMLInputElement).value.trim().toLowerCase();
  const password = byId('password', HTMLInputElement).value;
  if (username === '' || password === '') {
    error.textContent = LOGIN_WORDS.wrong[lang];
    return;
  }
  void (async () => {
    try {
      const res = await fetch('/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, credentials: 'same-origin', body: JSON.stringify({ username, password }) });
      const body = (await res.json().catch(() => null)) as { person?: { home: string }; error?: { code: string; message: string } } | null;
      if (res.ok && body?.person) {
        location.assign(nextPath() ?? body.person.home);
        return;
      }
      const code = body?.error?.code;
      const lockedUntil = /until (\S+)$/.exec(body?.error?.message ?? '')?.[1] ?? null;
      error.textContent =
        code === 'wrong-password' || code === 'invalid-request'
          ? LOGIN_WORDS.wrong[lang]
          : code === 'account-locked'
            ? fillWords(LOGIN_WORDS.locked[lang], beijingTime(lockedUntil))
            : code === 'too-many-logins'
              ? LOGIN_WORDS.tooMany[lang]
              : code === 'account-disabled'
                ? LOGIN_WORDS.disabled[lang]
                : fillWords(LOGIN_WORDS.failed[lang], body?.error?.message ?? `HTTP ${res.status}`);
      byId('password', HTMLInputElement).value = '';
    } catch (e) {
      error.textContent = fillWords(LOGIN_WORDS.failed[lang], e instanceof Error ? e.message : String(e));
    }
  })();
});

render();
void fetch('/v1/demo')
  .then((r) => r.json() as Promise<DemoInfo>)
  .then((d) => {
    demo = d;
    render();
  })
  .catch(() => undefined);
