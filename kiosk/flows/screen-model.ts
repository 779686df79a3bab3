/**
 * `toScreenModel(snapshot, now)`: the session snapshot as the UI shows it. Pure: the same
 * snapshot and time give the same model. Reads the running child flow's snapshot for the
 * screen body and the session context for the chrome.
 */
import type { AnyActorRef } from 'xstate';
import { maskCardNumber } from '../../shared/card.js';
import type { CallScreen, Choice, MaintenanceScreen, ReportCategory, ScreenChrome, ScreenModel, ScreenView, TicketStatusView } from '../../shared/ui-protocol.js';
import { REPORT_CATEGORIES, type Language } from '../../shared/ui-protocol.js';
import { cardErrorText, cityLabel, diagnosisLine, familyLabel, holderLabel, transactionLines } from '../i18n/card-words.js';
import { formatDateTime, formatYuan } from '../../shared/format.js';
import { tripLines } from '../i18n/journeys.js';
import { categoryLabel, surveyReasonChoices, ticketStatusLabel } from '../i18n/labels.js';
import { reportPhraseChoices } from '../i18n/phrases.js';
import type { BalanceCheckSnapshot } from './balance-check.js';
import type { FaqSnapshot } from './faq.js';
import type { FaultReportSnapshot } from './fault-report.js';
import { MAX_DESCRIPTION_LENGTH } from '../../shared/ticket.js';
import type { TicketStatusRecord } from './ports.js';
import type { SessionSnapshot } from './session.js';
import type { SurveySnapshot } from './survey.js';
import type { TicketStatusSnapshot } from './ticket-status.js';

type Ctx = SessionSnapshot['context'];

function child<S>(snapshot: SessionSnapshot, id: string): S | null {
  const ref = (snapshot.children as Record<string, AnyActorRef | undefined>)[id];
  return ref ? (ref.getSnapshot() as S) : null;
}

const secondsUntil = (deadline: number, now: number) => Math.max(0, Math.ceil((deadline - now) / 1000));

function categoryChoice(lang: Language, c: ReportCategory): Choice<ReportCategory> {
  return { id: c, label: categoryLabel(lang, c) };
}

function statusView(lang: Language, t: TicketStatusRecord): TicketStatusView {
  return {
    ticketId: t.ticketId,
    status: t.status,
    statusLabel: ticketStatusLabel(lang, t.status),
    categoryLabel: t.category ? categoryLabel(lang, t.category) : '',
    note: t.note,
    updatedText: lang === 'zh' ? `更新于 ${formatDateTime(lang, t.updatedAt)}` : `Updated ${formatDateTime(lang, t.updatedAt)}`,
  };
}

function balanceView(lang: Language, s: BalanceCheckSnapshot | null): ScreenView {
  if (!s) return { screen: 'card-reading' };
  const c = s.context;
  if (s.matches('wait')) return { screen: 'card-wait' };
  if (s.matches('error') || (c.error && !c.summary)) {
    const code = c.error?.code ?? 'unreadable-card';
    return { screen: 'card-error', code, ...cardErrorText(lang, code) };
  }
  const card = c.snapshot ?? c.summary;
  if (!card) return { screen: 'card-reading' };
  const complete = c.snapshot !== null;
  return {
    screen: 'balance',
    card: {
      maskedNumber: card.cardNumber === null ? '' : maskCardNumber(card.cardNumber),
      familyLabel: familyLabel(lang, card.family),
      cityLabel: card.cityCode ? cityLabel(lang, card.cityCode) : null,
      validFrom: card.validFrom,
      validUntil: card.validUntil,
      holderLabel: holderLabel(lang, card.holderType),
    },
    balance: card.balance,
    balanceText: formatYuan(lang, card.balance),
    complete,
    trips: c.snapshot ? tripLines(lang, c.snapshot.trips) : [],
    transactions: c.snapshot ? transactionLines(lang, c.snapshot.transactions) : [],
    diagnoses: complete && c.diagnoses ? c.diagnoses.map((d) => diagnosisLine(lang, d)) : null,
  };
}

function reportView(lang: Language, s: FaultReportSnapshot | null): ScreenView {
  if (!s) return { screen: 'report-category', categories: REPORT_CATEGORIES.map((c) => categoryChoice(lang, c)) };
  const c = s.context;
  if (s.matches('submitted') && c.ticket) {
    return { screen: 'report-done', ticketId: c.ticket.ticketId, statusUrl: c.ticket.statusUrl, receipt: c.receipt };
  }
  if (s.matches('category') || c.category === null) {
    return { screen: 'report-category', categories: REPORT_CATEGORIES.map((x) => categoryChoice(lang, x)) };
  }
  if (s.matches('describe')) {
    return {
      screen: 'report-describe',
      category: categoryChoice(lang, c.category),
      text: c.description,
      maxLength: MAX_DESCRIPTION_LENGTH,
      phrases: reportPhraseChoices(lang, c.category),
      canContinue: c.description.trim().length > 0,
    };
  }
  if (s.matches('phone')) return { screen: 'report-phone', phone: c.phone, error: c.phoneError };
  return {
    screen: 'report-review',
    category: categoryChoice(lang, c.category),
    description: c.description,
    phone: c.phone === '' ? null : c.phone,
    card: c.card ? { maskedNumber: c.card.masked } : null,
    submitting: s.matches('submitting'),
    error: c.submitError,
  };
}

function statusScreen(lang: Language, s: TicketStatusSnapshot | null): ScreenView {
  if (!s) return { screen: 'status-entry', text: '', looking: false, error: null };
  const c = s.context;
  if (s.matches('result') && c.result) return { screen: 'status-result', ticket: statusView(lang, c.result) };
  if (s.matches('list')) return { screen: 'status-list', tickets: c.list.map((t) => statusView(lang, t)) };
  return { screen: 'status-entry', text: c.text, looking: s.matches('lookingUp') || s.matches('lookingByCard'), error: c.error };
}

function faqView(lang: Language, s: FaqSnapshot | null): ScreenView {
  if (!s) return { screen: 'faq-categories', categories: null, error: null };
  const c = s.context;
  const pick = (b: { zh: string; en: string }) => (lang === 'zh' ? b.zh : b.en);
  if (s.matches('article')) {
    const a = (c.articles ?? []).find((x) => x.id === c.articleId);
    if (a) return { screen: 'faq-article', id: a.id, title: pick(a.title), body: pick(a.body) };
  }
  if (s.matches('list') || s.matches('article')) {
    const cat = (c.categories ?? []).find((x) => x.id === c.categoryId);
    return {
      screen: 'faq-list',
      category: cat ? { id: cat.id, label: pick(cat.title) } : null,
      query: c.query,
      articles: c.articles ? c.articles.map((a) => ({ id: a.id, label: pick(a.title) })) : null,
      error: c.error,
    };
  }
  return { screen: 'faq-categories', categories: c.categories ? c.categories.map((x) => ({ id: x.id, label: pick(x.title) })) : null, error: c.error };
}

function surveyView(lang: Language, s: SurveySnapshot | null, ctx: Ctx): ScreenView {
  const step = !s ? 'score' : s.matches('score') ? 'score' : s.matches('reason') ? 'reason' : 'thanks';
  return {
    screen: 'survey',
    service: s?.context.service ?? ctx.survey.service,
    step,
    score: s?.context.score ?? null,
    reasons: surveyReasonChoices(lang, s?.context.score ?? null),
    reason: s?.context.reason ?? null,
  };
}

function slotScreen<T extends CallScreen | MaintenanceScreen>(s: unknown, fallback: T): T {
  const screen = (s as { context?: { screen?: unknown } } | null)?.context?.screen;
  return typeof screen === 'object' && screen !== null && (screen as { screen?: unknown }).screen === fallback.screen ? (screen as T) : fallback;
}

function view(snapshot: SessionSnapshot, lang: Language): ScreenView {
  if (snapshot.matches('attract')) return { screen: 'attract' };
  if (snapshot.matches('outOfService')) return { screen: 'maintenance', page: 'out-of-service', view: { phase: 'out-of-service' } };
  if (snapshot.matches('maintenance')) return slotScreen(child(snapshot, 'maintenance'), { screen: 'maintenance', page: 'home' });
  if (snapshot.matches({ active: { flow: 'balance' } })) return balanceView(lang, child(snapshot, 'balanceCheck'));
  if (snapshot.matches({ active: { flow: 'report' } })) return reportView(lang, child(snapshot, 'faultReport'));
  if (snapshot.matches({ active: { flow: 'status' } })) return statusScreen(lang, child(snapshot, 'ticketStatus'));
  if (snapshot.matches({ active: { flow: 'faq' } })) return faqView(lang, child(snapshot, 'faq'));
  if (snapshot.matches({ active: { flow: 'survey' } })) return surveyView(lang, child(snapshot, 'survey'), snapshot.context);
  if (snapshot.matches({ active: { flow: 'emergency' } })) {
    return slotScreen(child(snapshot, 'emergency'), {
      screen: 'call',
      phase: 'connecting',
      queuePosition: null,
      detail: null,
      view: { phase: 'connecting', lane: 'emergency' },
      emergency: { staffOffice: null, staffPhone: null, alarm: 'sending', video: 'calling' },
    });
  }
  if (snapshot.matches({ active: { flow: 'call' } })) {
    return slotScreen(child(snapshot, 'videoEscalation'), {
      screen: 'call',
      phase: 'connecting',
      queuePosition: null,
      detail: null,
      view: { phase: 'connecting', lane: snapshot.context.callLane },
    });
  }
  return { screen: 'menu' };
}

/** The screen the passenger sees for this session snapshot at time `now` (epoch ms, the flows' clock). */
export function toScreenModel(snapshot: SessionSnapshot, now: number, options: { readonly agentAvailable?: boolean; readonly languages?: readonly Language[] } = {}): ScreenModel {
  const ctx = snapshot.context;
  const lang = ctx.language;
  const warning = snapshot.matches({ active: { idle: 'warning' } });
  const counting = snapshot.matches({ active: { idle: 'counting' } });
  const body: ScreenView = warning
    ? { screen: 'idle-warning', secondsLeft: secondsUntil(ctx.warningDeadline ?? now, now), discarding: 'report' }
    : view(snapshot, lang);
  const inFlow = snapshot.matches('active') && !warning;
  const chrome: ScreenChrome = {
    language: lang,
    largeText: ctx.largeText,
    idleSecondsLeft: counting && ctx.idleDeadline !== null ? secondsUntil(ctx.idleDeadline, now) : null,
    agentAvailable: (options.agentAvailable ?? true) && inFlow && body.screen !== 'call',
    canGoBack: inFlow && body.screen !== 'call' && body.screen !== 'report-done',
    canGoHome: inFlow && body.screen !== 'menu' && body.screen !== 'call',
    ...(options.languages === undefined ? {} : { languages: options.languages }),
  };
  return { ...body, chrome };
}

/**
 * When the runtime should render again without an event: the next whole second of a visible
 * countdown, or null when nothing on screen changes by itself.
 */
export function nextRefreshAt(snapshot: SessionSnapshot, now: number): number | null {
  const ctx = snapshot.context;
  const deadline = snapshot.matches({ active: { idle: 'warning' } })
    ? ctx.warningDeadline
    : snapshot.matches({ active: { idle: 'counting' } })
      ? ctx.idleDeadline
      : null;
  if (deadline === null) return null;
  const left = deadline - now;
  if (left <= 0) return null;
  return now + (left % 1000 === 0 ? 1000 : left % 1000);
}
