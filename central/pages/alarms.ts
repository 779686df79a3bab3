/**
 * The emergency alarm banner of central's pages (the agent console and the staff page mount it
 * with `mountAlarmBanner`). While an alarm is open for this person — station staff: their
 * station's; agents: every station's; supervisors and administrators: those escalated to them —
 * it stays at the top of the page in red: station and where the kiosk stands (words from the
 * kiosk's settings), when the button was pressed (Beijing time), how long it has been open, the
 * card in words when one was read, and plainly when it has been escalated. A repeating beep (Web
 * Audio, no sound file) sounds until someone acknowledges it or the person mutes it; a new alarm
 * sounds again. The first time the banner shows an alarm it records "seen" (the alarm's audit
 * then says who saw it when). Acknowledge is the person's (session cookie and CSRF token, or the
 * page's typed token); someone faster gets "already acknowledged by NAME".
 */
import type { CardFamily, DiagnosisCode } from '../../shared/card.js';
import { formatYuan } from '../../shared/format.js';
import { CARD_FAMILY_WORDS, bothLanguages, diagnosisSummary, type Words } from '../../shared/words.js';
import { el } from './dom.js';
import { beijingTime } from './page-words.js';

export type BannerLanguage = 'zh' | 'en' | 'both';

export interface AlarmBannerOptions {
  /** The page's language now (asked at every redraw): one of them, or both side by side as on the staff page. */
  readonly language: () => BannerLanguage;
  /** The typed token of a page that still takes one (null: the session cookie). */
  readonly token?: () => string | null;
  /** How often to ask central for open alarms. Default 3 s. */
  readonly pollMs?: number;
}

export interface AlarmBanner {
  /** Asks central now and redraws. */
  refresh(): Promise<void>;
  stop(): void;
}

interface BannerAlarm {
  readonly id: string;
  readonly kioskId: string;
  readonly stationId: string;
  readonly stationName?: Words;
  readonly location?: Words | null;
  readonly raisedAt: string;
  readonly receivedAt: string;
  readonly language: 'zh' | 'en';
  readonly card: { readonly family: CardFamily; readonly masked: string; readonly balance: number; readonly diagnosis: readonly DiagnosisCode[] } | null;
  readonly state: 'open' | 'escalated' | 'acknowledged';
  readonly escalatedAt: string | null;
  readonly acknowledgedByName?: string | null;
}

interface SessionView {
  readonly person: { readonly role: string; readonly displayName: string };
  readonly csrfToken: string | null;
}

const W = {
  emergency: { zh: '紧急求助', en: 'Emergency' },
  pressedAt: { zh: '按下时间（北京时间）', en: 'Pressed at (Beijing time)' },
  openFor: { zh: '已等待', en: 'Open for' },
  escalated: { zh: '无人确认，已升级给值班主管', en: 'Nobody acknowledged it: escalated to supervisors' },
  noLocation: { zh: '终端位置未设置', en: 'kiosk location not set' },
  unknownStation: { zh: '车站名称未知', en: 'station name unknown' },
  card: { zh: '乘客的卡', en: "Passenger's card" },
  noCard: { zh: '未读卡', en: 'No card read' },
  balance: { zh: '余额', en: 'balance' },
  passengerSpeaks: { zh: '乘客语言', en: "Passenger's language" },
  acknowledge: { zh: '确认处理', en: 'Acknowledge' },
  acknowledging: { zh: '正在确认…', en: 'Acknowledging…' },
  youAcknowledged: { zh: '您已确认；终端告诉乘客：车站工作人员正在赶来', en: 'You acknowledged it; the kiosk tells the passenger station staff are on the way' },
  youAnswer: { zh: '您已确认；终端告诉乘客：客服正在接听', en: 'You acknowledged it; the kiosk tells the passenger an agent is answering' },
  alreadyBy: { zh: '已由 {0} 确认', en: 'Already acknowledged by {0}' },
  alreadySomeone: { zh: '已由他人确认', en: 'Already acknowledged by someone else' },
  notAllowed: { zh: '您无权确认此求助', en: 'You may not acknowledge this alarm' },
  failed: { zh: '确认失败，请重试', en: 'Could not acknowledge; try again' },
  mute: { zh: '静音', en: 'Mute' },
  unmute: { zh: '打开声音', en: 'Sound on' },
  muted: { zh: '已静音', en: 'Muted' },
  blocked: { zh: '浏览器阻止了提示音：点击此处打开', en: 'The browser blocked the alarm sound: click here to turn it on' },
  more: { zh: '另有 {0} 个紧急求助', en: '{0} more emergencies' },
} as const satisfies Readonly<Record<string, Words>>;

const LANGUAGE_NAMES: Readonly<Record<'zh' | 'en', Words>> = { zh: { zh: '中文', en: 'Chinese' }, en: { zh: '英文', en: 'English' } };

/** Beeps this long apart while an alarm is open and not muted. */
const BEEP_EVERY_MS = 1500;
const SHOWN_AT_MOST = 5;

function openForWords(ms: number): Words {
  const s = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(s / 60);
  if (m === 0) return { zh: `${s} 秒`, en: `${s} s` };
  if (m < 60) return { zh: `${m} 分 ${s % 60} 秒`, en: `${m} min ${s % 60} s` };
  return { zh: `${Math.floor(m / 60)} 小时 ${m % 60} 分`, en: `${Math.floor(m / 60)} h ${m % 60} min` };
}

/** The alarm beep: a two-tone chirp per period, from an oscillator (no sound file). */
class AlarmSound {
  private context: AudioContext | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  /** 'playing', or 'blocked' when the browser will not play before the person touches the page. */
  get state(): 'playing' | 'blocked' | 'off' {
    if (!this.timer) return 'off';
    return this.context?.state === 'running' ? 'playing' : 'blocked';
  }

  start(): void {
    if (this.timer) return;
    this.context ??= new AudioContext();
    void this.context.resume().catch(() => undefined);
    this.beep();
    this.timer = setInterval(() => this.beep(), BEEP_EVERY_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** After a click or key press the browser lets the page play sound. */
  unblock(): void {
    void this.context?.resume().catch(() => undefined);
  }

  private beep(): void {
    const ctx = this.context;
    if (!ctx || ctx.state !== 'running') return;
    const t = ctx.currentTime;
    for (const [i, hz] of [880, 660].entries()) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'square';
      osc.frequency.value = hz;
      gain.gain.setValueAtTime(0.0001, t + i * 0.25);
      gain.gain.exponentialRampToValueAtTime(0.2, t + i * 0.25 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + i * 0.25 + 0.22);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t + i * 0.25);
      osc.stop(t + i * 0.25 + 0.24);
    }
  }
}

/** Puts the banner at the top of the page and keeps it current. */
export function mountAlarmBanner(options: AlarmBannerOptions): AlarmBanner {
  const root = el('section', null, { id: 'alarm-banner', 'data-testid': 'alarm-banner', role: 'alert', 'aria-live': 'assertive', 'data-sound': 'off' });
  root.hidden = true;
  // Styled here (CSSOM, which the pages' CSP allows), the same on every page whatever its stylesheet.
  Object.assign(root.style, { position: 'sticky', top: '0', zIndex: '1000', background: '#b00020', color: '#fff', padding: '0.75rem 1.5rem', margin: '0 0 0.75rem', boxShadow: '0 2px 8px rgba(0,0,0,0.35)' });
  document.body.prepend(root);

  const sound = new AlarmSound();
  const seen = new Set<string>();
  /** Alarms the person has muted: a new one sounds again. */
  let mutedFor = new Set<string>();
  /** What happened to an alarm this person tried to acknowledge (shown until it leaves the list). */
  const notes = new Map<string, { text: Words; until: number }>();
  let alarms: BannerAlarm[] = [];
  let session: SessionView | null = null;
  let clockSkewMs = 0;
  let stopped = false;

  const lang = (): BannerLanguage => options.language();
  const say = (w: Words): string => (lang() === 'both' ? bothLanguages(w) : w[lang() as 'zh' | 'en']);
  const fill = (w: Words, v: string): Words => ({ zh: w.zh.replace('{0}', v), en: w.en.replace('{0}', v) });

  const headers = (method: string): Record<string, string> => {
    const token = options.token?.() ?? null;
    if (token) return { authorization: `Bearer ${token}` };
    return method !== 'GET' && session?.csrfToken ? { 'x-csrf-token': session.csrfToken } : {};
  };
  const call = (path: string, method = 'GET'): Promise<Response> => fetch(path, { method, headers: headers(method), credentials: 'same-origin' });

  async function who(): Promise<SessionView | null> {
    if (session) return session;
    const res = await fetch('/v1/session', { credentials: 'same-origin' }).catch(() => null);
    session = res?.ok ? ((await res.json()) as SessionView) : null;
    return session;
  }

  async function refresh(): Promise<void> {
    const person = await who();
    if (!person && !options.token?.()) return show([]);
    const role = person?.person.role ?? null;
    const state = role === 'supervisor' || role === 'administrator' ? 'escalated' : 'open';
    const res = await call(`/v1/staff/alarms?state=${state}&limit=50`).catch(() => null);
    if (!res) return; // central unreachable: keep showing what we had
    if (res.status === 401) session = null;
    if (!res.ok) return show([]);
    const body = (await res.json()) as { alarms: BannerAlarm[]; serverTime: string };
    clockSkewMs = Date.parse(body.serverTime) - Date.now();
    show(body.alarms);
  }

  function show(next: BannerAlarm[]): void {
    alarms = next;
    const ids = new Set(next.map((a) => a.id));
    mutedFor = new Set([...mutedFor].filter((id) => ids.has(id)));
    for (const id of notes.keys()) if (!ids.has(id) && (notes.get(id)?.until ?? 0) < Date.now()) notes.delete(id);
    for (const a of next) {
      if (seen.has(a.id)) continue;
      seen.add(a.id);
      void call(`/v1/staff/alarms/${encodeURIComponent(a.id)}/seen`, 'POST').catch(() => seen.delete(a.id));
    }
    const loud = next.some((a) => !mutedFor.has(a.id));
    if (loud) sound.start();
    else sound.stop();
    draw();
  }

  async function acknowledge(alarm: BannerAlarm, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    button.textContent = say(W.acknowledging);
    const res = await call(`/v1/staff/alarms/${encodeURIComponent(alarm.id)}/acknowledge`, 'POST').catch(() => null);
    const until = Date.now() + 15_000;
    if (res?.ok) notes.set(alarm.id, { text: session?.person.role === 'agent' ? W.youAnswer : W.youAcknowledged, until });
    else if (res?.status === 409) {
      const detail = await call(`/v1/staff/alarms/${encodeURIComponent(alarm.id)}`).catch(() => null);
      const name = detail?.ok ? ((await detail.json()) as { alarm: BannerAlarm }).alarm.acknowledgedByName : null;
      notes.set(alarm.id, { text: name ? fill(W.alreadyBy, name) : W.alreadySomeone, until });
    } else notes.set(alarm.id, { text: res?.status === 403 || res?.status === 404 ? W.notAllowed : W.failed, until: Date.now() + 5_000 });
    await refresh();
    draw();
  }

  function cardText(card: BannerAlarm['card'], l: BannerLanguage): string {
    if (!card) return say(W.noCard);
    const family = say(CARD_FAMILY_WORDS[card.family]);
    const balance = l === 'both' ? `${formatYuan('zh', card.balance)} ${formatYuan('en', card.balance)}` : formatYuan(l, card.balance);
    const diagnosis = card.diagnosis.length > 0 ? ` · ${diagnosisSummary(l, card.diagnosis)}` : '';
    return `${say(W.card)}: ${family} ${card.masked} · ${say(W.balance)} ${balance}${diagnosis}`;
  }

  function whenText(a: BannerAlarm): string {
    const start = Math.min(Date.parse(a.raisedAt), Date.parse(a.receivedAt));
    const open = openForWords(Date.now() + clockSkewMs - start);
    return `${say(W.pressedAt)} ${beijingTime(a.raisedAt)} · ${say(W.openFor)} ${say(open)} · ${say(W.passengerSpeaks)}: ${say(LANGUAGE_NAMES[a.language])}`;
  }

  /** What the banner shows, but the running clock: a redraw only when it changes (a button is not replaced under a finger). */
  let drawn = '';
  function draw(): void {
    const l = lang();
    const shape = JSON.stringify([l, alarms, [...notes].filter(([, n]) => n.until >= Date.now()), [...mutedFor], sound.state]);
    if (shape === drawn) {
      for (const node of root.querySelectorAll<HTMLElement>('[data-testid=alarm-when]')) {
        const a = alarms.find((x) => x.id === node.dataset['alarmId']);
        if (a) node.textContent = whenText(a);
      }
      return;
    }
    drawn = shape;
    const items: HTMLElement[] = [];
    for (const a of alarms.slice(0, SHOWN_AT_MOST)) {
      const item = el('div', null, { 'data-testid': 'alarm', 'data-alarm-id': a.id, 'data-state': a.state });
      Object.assign(item.style, { padding: '0.5rem 0', borderTop: items.length ? '1px solid rgba(255,255,255,0.4)' : '' });
      const station = a.stationName ? say(a.stationName) : say(W.unknownStation);
      const where = a.location ? say(a.location) : say(W.noLocation);
      const title = el('div', `${say(W.emergency)} · ${station} · ${where}`, { 'data-testid': 'alarm-where' });
      Object.assign(title.style, { fontSize: '1.35rem', fontWeight: '700' });
      item.append(title);
      if (a.state === 'escalated') {
        const esc = el('div', `${say(W.escalated)} · ${beijingTime(a.escalatedAt)}`, { 'data-testid': 'alarm-escalated' });
        Object.assign(esc.style, { background: '#fff', color: '#b00020', fontWeight: '700', display: 'inline-block', padding: '0.1rem 0.5rem', margin: '0.25rem 0' });
        item.append(esc);
      }
      item.append(
        el('div', whenText(a), { 'data-testid': 'alarm-when', 'data-alarm-id': a.id }),
        el('div', cardText(a.card, l), { 'data-testid': 'alarm-card' }),
      );
      const note = notes.get(a.id);
      const actions = el('div');
      Object.assign(actions.style, { display: 'flex', gap: '0.75rem', alignItems: 'center', marginTop: '0.4rem', flexWrap: 'wrap' });
      if (!note || note.until < Date.now() || note.text === W.failed) {
        const ack = el('button', say(W.acknowledge), { type: 'button', 'data-testid': 'alarm-acknowledge' });
        Object.assign(ack.style, { background: '#fff', color: '#b00020', fontWeight: '700', fontSize: '1.1rem', padding: '0.4rem 1.2rem', border: '0', borderRadius: '4px', cursor: 'pointer' });
        ack.addEventListener('click', () => void acknowledge(a, ack));
        actions.append(ack);
      }
      if (note) actions.append(el('span', say(note.text), { 'data-testid': 'alarm-note' }));
      item.append(actions);
      items.push(item);
    }
    // An alarm this person acknowledged leaves the list; say so where it was, for a while.
    for (const [id, note] of notes) {
      if (alarms.some((a) => a.id === id) || note.until < Date.now()) continue;
      items.push(el('div', say(note.text), { 'data-testid': 'alarm-note', 'data-alarm-id': id }));
    }
    if (alarms.length > SHOWN_AT_MOST) items.push(el('div', say(fill(W.more, String(alarms.length - SHOWN_AT_MOST)))));
    if (alarms.length > 0) items.push(soundControl());
    root.replaceChildren(...items);
    root.hidden = items.length === 0;
    // Red while an alarm is open; green once only "you acknowledged it" is left to say.
    root.style.background = alarms.length > 0 ? '#b00020' : '#1b5e20';
    root.dataset['sound'] = alarms.length === 0 ? 'off' : alarms.every((a) => mutedFor.has(a.id)) ? 'muted' : sound.state;
  }

  function soundControl(): HTMLElement {
    const allMuted = alarms.every((a) => mutedFor.has(a.id));
    const blocked = !allMuted && sound.state === 'blocked';
    const button = el('button', say(blocked ? W.blocked : allMuted ? W.unmute : W.mute), { type: 'button', 'data-testid': 'alarm-mute', 'aria-pressed': String(allMuted) });
    Object.assign(button.style, { background: 'transparent', color: '#fff', border: '2px solid #fff', borderRadius: '4px', padding: '0.3rem 1rem', fontSize: '1rem', cursor: 'pointer', marginTop: '0.4rem' });
    button.addEventListener('click', () => {
      if (blocked) sound.unblock();
      else if (allMuted) mutedFor.clear();
      else mutedFor = new Set(alarms.map((a) => a.id));
      show(alarms);
      setTimeout(draw, 200);
    });
    const line = el('div', allMuted ? `🔇 ${say(W.muted)} ` : '🔔 ');
    line.append(button);
    return line;
  }

  // The browser lets sound play after the person first clicks or types on the page.
  const unblock = (): void => {
    sound.unblock();
    setTimeout(draw, 200);
  };
  document.addEventListener('pointerdown', unblock, { capture: true });
  document.addEventListener('keydown', unblock, { capture: true });
  const poll = setInterval(() => void refresh(), options.pollMs ?? 3000);
  const tick = setInterval(() => alarms.length > 0 && draw(), 1000);
  void refresh();
  return {
    refresh,
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(poll);
      clearInterval(tick);
      sound.stop();
      root.remove();
    },
  };
}
