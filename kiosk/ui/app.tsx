import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { LANGUAGES, type Language, type PassengerEvent, type ScreenModel } from '../../shared/ui-protocol.js';
import { RuntimeConnection, type ConnectionState } from './connection.js';
import { label } from './labels.js';
import { recordPaint } from './paint-probe.js';
import { AttractScreen, BalanceScreen, CardErrorScreen, CardReadingScreen, CardWaitScreen, MenuScreen } from './screens/card.js';
import { CallSlot } from './screens/call-slot.js';
import { FaqArticleScreen, FaqCategoriesScreen, FaqListScreen } from './screens/faq.js';
import { MaintenanceView } from './maintenance/index.js';
import { IdleWarningScreen } from './screens/idle.js';
import { ReportCategoryScreen, ReportDescribeScreen, ReportDoneScreen, ReportPhoneScreen, ReportReviewScreen } from './screens/report.js';
import { StatusEntryScreen, StatusListScreen, StatusResultScreen } from './screens/status.js';
import { SurveyScreen } from './screens/survey.js';
import type { Send } from './screens/types.js';
import { PinnedRowSlot } from './widgets/pinned-row.js';

export interface KioskInfo {
  readonly stationName: { readonly zh: string; readonly en: string };
}

function Screen({ model, send }: { model: ScreenModel; send: Send }) {
  const lang = model.chrome.language;
  switch (model.screen) {
    case 'attract':
      return <AttractScreen model={model} send={send} lang={lang} />;
    case 'menu':
      return <MenuScreen model={model} send={send} lang={lang} />;
    case 'card-wait':
      return <CardWaitScreen model={model} send={send} lang={lang} />;
    case 'card-reading':
      return <CardReadingScreen model={model} send={send} lang={lang} />;
    case 'balance':
      return <BalanceScreen model={model} send={send} lang={lang} />;
    case 'card-error':
      return <CardErrorScreen model={model} send={send} lang={lang} />;
    case 'report-category':
      return <ReportCategoryScreen model={model} send={send} lang={lang} />;
    case 'report-describe':
      return <ReportDescribeScreen model={model} send={send} lang={lang} />;
    case 'report-phone':
      return <ReportPhoneScreen model={model} send={send} lang={lang} />;
    case 'report-review':
      return <ReportReviewScreen model={model} send={send} lang={lang} />;
    case 'report-done':
      return <ReportDoneScreen model={model} send={send} lang={lang} />;
    case 'status-entry':
      return <StatusEntryScreen model={model} send={send} lang={lang} />;
    case 'status-list':
      return <StatusListScreen model={model} send={send} lang={lang} />;
    case 'status-result':
      return <StatusResultScreen model={model} send={send} lang={lang} />;
    case 'faq-categories':
      return <FaqCategoriesScreen model={model} send={send} lang={lang} />;
    case 'faq-list':
      return <FaqListScreen model={model} send={send} lang={lang} />;
    case 'faq-article':
      return <FaqArticleScreen model={model} send={send} lang={lang} />;
    case 'survey':
      return <SurveyScreen model={model} send={send} lang={lang} />;
    case 'idle-warning':
      return <IdleWarningScreen model={model} send={send} lang={lang} />;
    case 'call':
      return <CallSlot model={model} send={send} lang={lang} />;
    case 'maintenance':
      return <MaintenanceView model={model} send={send} lang={lang} />;
  }
}

/** The language the switch goes to: the next one the kiosk offers after `lang`; null when it offers one only (no switch shown). */
export function nextLanguage(lang: Language, offered: readonly Language[]): Language | null {
  const others = offered.filter((l) => l !== lang);
  if (others.length === 0) return null;
  const at = offered.indexOf(lang);
  return at < 0 ? others[0]! : offered[(at + 1) % offered.length]!;
}

function Header({ model, send, info }: { model: ScreenModel; send: Send; info: KioskInfo | null }) {
  const { chrome } = model;
  const lang = chrome.language;
  const next = nextLanguage(lang, chrome.languages ?? LANGUAGES);
  return (
    <header class="bar">
      <div class="station" data-testid="station">
        {info?.stationName[lang] ?? ''}
      </div>
      {chrome.canGoBack && (
        <button type="button" data-testid="back" onClick={() => send({ type: 'BACK' })}>
          {label(lang, 'button.back')}
        </button>
      )}
      {chrome.canGoHome && (
        <button type="button" data-testid="home" onClick={() => send({ type: 'HOME' })}>
          {label(lang, 'button.home')}
        </button>
      )}
      {chrome.agentAvailable && model.screen !== 'menu' && model.screen !== 'call' && (
        <button type="button" data-testid="call" onClick={() => send({ type: 'MENU.CALL' })}>
          {label(lang, 'menu.call')}
        </button>
      )}
      {model.screen !== 'call' && model.screen !== 'maintenance' && (
        <button type="button" class="emergency" data-testid="emergency" onClick={() => send({ type: 'CALL.EMERGENCY' })}>
          {label(lang, 'button.emergency')}
        </button>
      )}
      <button type="button" data-testid="large-text" aria-pressed={chrome.largeText} onClick={() => send({ type: 'TEXT.LARGE', on: !chrome.largeText })}>
        {label(lang, 'button.large-text')}
      </button>
      {next !== null && (
        <button type="button" data-testid="language" lang={next} onClick={() => send({ type: 'LANG.SET', language: next })}>
          {label(next === 'zh' ? 'en' : 'zh', 'otherLanguage')}
        </button>
      )}
    </header>
  );
}

/** The whole kiosk page: whatever the runtime says the screen is, plus the frame around it. */
export function App({ wsUrl, uiKey, info }: { wsUrl: string; uiKey: string | null; info: KioskInfo | null }) {
  const [message, setMessage] = useState<{ model: ScreenModel; seq: number } | null>(null);
  const [state, setState] = useState<ConnectionState>('connecting');
  const connection = useMemo(
    () =>
      new RuntimeConnection(wsUrl, uiKey, {
        onScreen: (m) => {
          setMessage({ model: m.model, seq: m.seq });
          recordPaint(m.seq, m.model.screen, m.causeAt);
        },
        onState: setState,
      }),
    [wsUrl, uiKey],
  );
  useEffect(() => {
    connection.open();
    return () => connection.close();
  }, [connection]);

  const model = message?.model ?? null;
  useEffect(() => {
    if (!model) return;
    document.documentElement.lang = model.chrome.language === 'zh' ? 'zh-CN' : 'en';
    document.documentElement.classList.toggle('large-text', model.chrome.largeText);
  }, [model?.chrome.language, model?.chrome.largeText]);

  // A new screen starts at its top: the scroll of a long screen (the keyboard under a report)
  // must not carry over and hide the next screen's title under the header.
  const body = useRef<HTMLDivElement>(null);
  const [pinnedRow, setPinnedRow] = useState<HTMLElement | null>(null);
  const page = model === null ? '' : model.screen === 'call' ? `call:${model.view.phase}` : model.screen === 'maintenance' ? `maintenance:${model.view?.phase ?? ''}` : model.screen;
  useEffect(() => {
    body.current?.scrollTo(0, 0);
  }, [page]);

  const send: Send = (event: PassengerEvent) => {
    connection.send({ type: 'event', event });
  };
  const lang = model?.chrome.language ?? 'zh';
  return (
    <>
      {model && <Header model={model} send={send} info={info} />}
      {/* The screen scrolls in its body; its way on (a pinned row) sits under the body, never over it. */}
      <main class="screen" data-screen={model?.screen ?? 'none'} data-seq={message?.seq ?? -1}>
        <div class="screen-body" ref={body} data-testid="screen-body">
          <PinnedRowSlot.Provider value={pinnedRow}>{model && <Screen model={model} send={send} />}</PinnedRowSlot.Provider>
        </div>
        <div class="pinned-row" ref={setPinnedRow} data-testid="pinned-row" />
      </main>
      {model && model.chrome.idleSecondsLeft !== null && (
        <footer class={model.chrome.idleSecondsLeft <= 10 ? 'idle warning' : 'idle'} data-testid="idle-countdown">
          <span>{label(lang, 'idle.countdown', model.chrome.idleSecondsLeft)}</span>
        </footer>
      )}
      {state !== 'open' && (
        <div class="overlay" data-testid="reconnecting" role="status">
          <div>
            <div class="spinner" />
            {label(lang, state === 'connecting' && !model ? 'connecting' : 'reconnecting')}
          </div>
        </div>
      )}
    </>
  );
}
