import type { DiagnosisLine } from '../../../shared/ui-protocol.js';
import { label } from '../labels.js';
import type { ScreenProps, Send } from './types.js';
import type { Language } from '../../../shared/ui-protocol.js';
import { PinnedRow } from '../widgets/pinned-row.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A card's `YYYY-MM-DD` date as people write it: 2030年1月9日, 9 Jan 2030. */
export function dateInWords(lang: Language, date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return lang === 'zh' ? `${y}年${mo}月${d}日` : `${d} ${MONTHS[mo - 1] ?? ''} ${y}`;
}

export function AttractScreen({ send, lang }: ScreenProps<'attract'>) {
  return (
    <button type="button" class="action primary" style={{ flex: 1, fontSize: '2.5rem' }} data-testid="start" onClick={() => send({ type: 'START' })}>
      <div>{label(lang, 'attract.title')}</div>
      <div style={{ fontSize: '1.75rem', fontWeight: 400, marginTop: '1rem' }}>{label(lang, 'attract.hint')}</div>
    </button>
  );
}

export function MenuScreen({ model, send, lang }: ScreenProps<'menu'>) {
  return (
    <>
      <h1>{label(lang, 'menuTitle')}</h1>
      <div class="actions">
        <button type="button" class="action primary" data-testid="menu-balance" onClick={() => send({ type: 'MENU.BALANCE' })}>
          {label(lang, 'menu.balance')}
        </button>
        <button type="button" class="action" data-testid="menu-report" onClick={() => send({ type: 'MENU.REPORT' })}>
          {label(lang, 'menu.report')}
        </button>
        <button type="button" class="action" data-testid="menu-status" onClick={() => send({ type: 'MENU.STATUS' })}>
          {label(lang, 'menu.status')}
        </button>
        <button type="button" class="action" data-testid="menu-faq" onClick={() => send({ type: 'MENU.FAQ' })}>
          {label(lang, 'menu.faq')}
        </button>
        {model.chrome.agentAvailable && (
          <button type="button" class="action danger" data-testid="menu-call" onClick={() => send({ type: 'MENU.CALL' })}>
            {label(lang, 'menu.call')}
          </button>
        )}
      </div>
      <p class="tap-hint">{label(lang, 'card.wait')}</p>
    </>
  );
}

export function CardWaitScreen({ lang }: ScreenProps<'card-wait'>) {
  return <p class="tap-hint" data-testid="card-wait">{label(lang, 'card.wait')}</p>;
}

export function CardReadingScreen({ lang }: ScreenProps<'card-reading'>) {
  return (
    <div class="tap-hint" data-testid="card-reading">
      <div class="spinner" style={{ borderColor: 'rgba(0,87,184,0.2)', borderTopColor: 'var(--accent)' }} />
      {label(lang, 'card.reading')}
    </div>
  );
}

/** Findings of one kind with the same advice (two unfinished trips) read as one notice: each title, then the advice once. */
function groupFindings(lines: readonly DiagnosisLine[]): DiagnosisLine[][] {
  const groups: DiagnosisLine[][] = [];
  for (const d of lines) {
    const same = groups.find((g) => g[0]!.code === d.code && g[0]!.advice === d.advice);
    if (same) same.push(d);
    else groups.push([d]);
  }
  return groups;
}

function Diagnoses({ lines, lang }: { lines: readonly DiagnosisLine[]; lang: Language }) {
  if (lines.length === 0) return <p class="notice ok" data-testid="diagnosis-ok">{label(lang, 'cardOk')}</p>;
  return (
    <>
      {groupFindings(lines).map((g, i) => {
        const d = g[0]!;
        return (
          <div class={d.severity === 'problem' ? 'notice error' : d.severity === 'warning' ? 'notice' : 'notice ok'} key={i} data-testid="diagnosis" data-code={d.code}>
            {g.map((x, j) => (
              <strong key={j} class="finding-title">
                {x.title}
              </strong>
            ))}
            <div>{d.advice}</div>
          </div>
        );
      })}
    </>
  );
}

/** What the passenger can do about what was found: offered once, in the screen's button row, however many findings offer it. */
function DiagnosisActions({ lines, send, lang }: { lines: readonly DiagnosisLine[]; send: Send; lang: Language }) {
  const report = lines.some((d) => d.offerReport);
  const agent = lines.some((d) => d.offerAgent);
  return (
    <>
      {report && (
        <button type="button" data-testid="diagnosis-report" onClick={() => send({ type: 'MENU.REPORT' })}>
          {label(lang, 'menu.report')}
        </button>
      )}
      {agent && (
        <button type="button" data-testid="diagnosis-call" onClick={() => send({ type: 'MENU.CALL' })}>
          {label(lang, 'menu.call')}
        </button>
      )}
    </>
  );
}

export function BalanceScreen({ model, send, lang }: ScreenProps<'balance'>) {
  const { card } = model;
  return (
    <>
      <div class="balance-top">
        <div class="balance-side">
          <section class="balance-card" data-testid="balance-card">
            <div class="muted">
              {card.familyLabel}
              {card.cityLabel !== null && ` · ${card.cityLabel}`}
              {card.holderLabel !== null && ` · ${card.holderLabel}`}
            </div>
            <div class="card-number" data-testid="card-number">
              {card.maskedNumber}
            </div>
            <div class="muted">{label(lang, 'balance.title')}</div>
            <div class={model.balance < 0 ? 'balance negative' : 'balance'} data-testid="balance">
              {model.balanceText}
            </div>
            {card.validUntil !== null && (
              <div class="muted">
                {label(lang, 'validUntil')} {dateInWords(lang, card.validUntil)}
              </div>
            )}
          </section>
        </div>
        {/* What was found stands beside the card; what to do about it is in the button row, so the first trips show above the fold in large text too. */}
        <div class="diagnoses">
          {!model.complete ? (
            <p class="muted" data-testid="still-reading">{label(lang, 'balance.loading')}</p>
          ) : model.diagnoses === null ? (
            <p class="muted">{label(lang, 'checking')}</p>
          ) : (
            <Diagnoses lines={model.diagnoses} lang={lang} />
          )}
        </div>
      </div>
      {model.complete && (
        <>
          <h2>{label(lang, 'balance.trips')}</h2>
          {model.trips.length === 0 ? (
            <p class="muted">{label(lang, 'noTrips')}</p>
          ) : (
            <ul class="trips" data-testid="trips" data-scroll-list>
              {model.trips.map((t, i) => (
                <li key={i} class={t.open ? 'notice' : ''} data-testid="trip">
                  {t.text}
                </li>
              ))}
            </ul>
          )}
          {model.transactions.length > 0 && (
            <>
              <h2>{label(lang, 'balance.transactions')}</h2>
              <ul class="trips" data-testid="transactions">
                {model.transactions.map((t, i) => (
                  <li key={i}>{t.text}</li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
      <PinnedRow>
        {model.complete && model.diagnoses !== null && <DiagnosisActions lines={model.diagnoses} send={send} lang={lang} />}
        <button type="button" class="primary" onClick={() => send({ type: 'EXIT' })}>
          {label(lang, 'exit')}
        </button>
      </PinnedRow>
    </>
  );
}

/** Reads that fail like a damaged card does: the passenger may report it or talk to an agent. */
const DAMAGED_CARD_CODES: readonly string[] = ['unreadable-card', 'timeout', 'unsupported-card'];

export function CardErrorScreen({ model, send, lang }: ScreenProps<'card-error'>) {
  return (
    <>
      <div class="notice error" data-testid="card-error" data-code={model.code}>
        <h1>{model.title}</h1>
        <p>{model.advice}</p>
      </div>
      <PinnedRow>
        {DAMAGED_CARD_CODES.includes(model.code) && (
          <button type="button" data-testid="card-error-report" onClick={() => send({ type: 'MENU.REPORT' })}>
            {label(lang, 'menu.report')}
          </button>
        )}
        {model.code !== 'no-card' && (
          <button type="button" data-testid="card-error-call" onClick={() => send({ type: 'MENU.CALL' })}>
            {label(lang, 'menu.call')}
          </button>
        )}
        <button type="button" class="primary" onClick={() => send({ type: 'EXIT' })}>
          {label(lang, 'exit')}
        </button>
      </PinnedRow>
    </>
  );
}
