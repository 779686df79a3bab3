/**
 * The maintenance screens (`screen: 'maintenance'` models, kiosk/flows/maintenance.ts) and the
 * out-of-service screen passengers see. The kiosk UI's app renders `<MaintenanceView model send lang />`
 * for every `maintenance` model. Touch-first, zh/en, no personal data (the runtime sends none).
 */
import type { DeviceStatusLine, MaintenanceStatus, MaintenanceView as View, SelfTestName, SelfTestResult } from '../../../shared/maintenance-protocol.js';
import { MAINTENANCE_PAGES, SELF_TESTS } from '../../../shared/maintenance-protocol.js';
import type { Language } from '../../../shared/ui-protocol.js';
import type { ScreenProps, Send } from '../screens/types.js';
import { NumericKeypad } from '../widgets/keypad.js';
import { deviceStateWords, deviceWords, familyLabel, wordsIn } from '../../../shared/words.js';
import { formatDateTime } from '../../../shared/format.js';
import { MAINTENANCE_WORDS, mt, mtOf, type MaintenanceTextKey } from './texts.js';
import { PinnedRow } from '../widgets/pinned-row.js';

/** Device names and states in words on the technician's screen (never their keys): card reader 1, 2… when there are several of a kind. */
const deviceWord = (lang: Language, device: string, unit?: number) => `${wordsIn(lang, deviceWords(device))}${unit === undefined ? '' : ` ${unit}`}`;
const stateWord = (lang: Language, state: string) => wordsIn(lang, deviceStateWords(state));

/** The reader a card was on, as the devices page names it (card reader 1), from its PC/SC name. */
function readerWord(lang: Language, devices: readonly DeviceStatusLine[], reader: string | undefined): string {
  const line = devices.find((d) => d.device === 'card-reader' && d.detail === reader);
  return deviceWord(lang, 'card-reader', line?.unit);
}

/** A device fault code in words; null when this screen has none for it (the raw detail then stands alone). */
function faultWord(lang: Language, code: string | null): string | null {
  if (code === null) return null;
  const key = `fault.${code}`;
  return key in MAINTENANCE_WORDS ? mt(lang, key as MaintenanceTextKey) : null;
}

/** What a self-test found, in the technician's language. */
export function selfTestWords(lang: Language, result: SelfTestResult, devices: readonly DeviceStatusLine[]): string {
  const f = result.facts ?? {};
  const buttons = (list: readonly string[] | undefined) => (list ?? []).map((b) => mtOf(lang, 'button', b, 'unknown')).join(lang === 'zh' ? '、' : ', ');
  switch (result.code) {
    case 'printed':
      return mt(lang, 'result.printed');
    case 'read':
      return mt(lang, 'result.read', readerWord(lang, devices, f.reader), f.family ? familyLabel(lang, f.family) : mt(lang, 'unknown'));
    case 'no-card':
    case 'no-scan':
    case 'not-installed':
    case 'test-error':
      return mt(lang, `result.${result.code}`);
    case 'scanned':
      return f.symbology ? mt(lang, 'result.scanned-as', f.characters ?? 0, f.symbology) : mt(lang, 'result.scanned', f.characters ?? 0);
    case 'all-pressed':
      return mt(lang, 'result.all-pressed', buttons(f.pressed));
    case 'not-all-pressed':
      return mt(lang, 'result.not-all-pressed', buttons((f.expected ?? []).filter((b) => !(f.pressed ?? []).includes(b))));
  }
  if (result.test === 'card-reader' && `card.${result.code}` in MAINTENANCE_WORDS) {
    return mt(lang, 'result.card-failed', readerWord(lang, devices, f.reader), mt(lang, `card.${result.code}` as MaintenanceTextKey));
  }
  return faultWord(lang, result.code) ?? mt(lang, 'result.other');
}

type SessionView = Extract<View, { phase: 'session' }>;

export function MaintenanceView({ model, send, lang }: ScreenProps<'maintenance'>) {
  const v = model.view ?? { phase: 'out-of-service' as const };
  switch (v.phase) {
    case 'out-of-service':
      return (
        <div class="maint-out" data-testid="out-of-service">
          <h1>{mt(lang, 'outOfService')}</h1>
          <p class="notice">{mt(lang, 'out-of-service.hint')}</p>
        </div>
      );
    case 'tap-card':
      return (
        <>
          <p class="tap-hint" data-testid="maint-tap-card">
            {mt(lang, 'tap-card')}
          </p>
          <Nav send={send} lang={lang} />
        </>
      );
    case 'verifying':
    case 'leaving':
      return (
        <div class="overlay" data-testid={`maint-${v.phase}`}>
          <div>
            <div class="spinner" />
            {mt(lang, v.phase)}
          </div>
        </div>
      );
    case 'pin':
      return <PinScreen view={v} send={send} lang={lang} />;
    case 'refused':
      return (
        <>
          <h1>{mt(lang, 'refused')}</h1>
          <p class="notice" data-testid="maint-refused" data-code={v.refusal.code}>
            {refusalText(lang, v.refusal.code)}
          </p>
          <PinnedRow>
            <button type="button" class="primary" onClick={() => send({ type: 'BACK' })}>
              {mt(lang, 'ok')}
            </button>
          </PinnedRow>
        </>
      );
    case 'session':
      return <SessionScreen view={v} send={send} lang={lang} />;
  }
}

function refusalText(lang: Language, code: string): string {
  const known = ['not-technician-card', 'card-auth-failed', 'unknown-technician', 'revoked', 'card-blocked'];
  return known.includes(code) ? mt(lang, `refused.${code}` as MaintenanceTextKey) : mt(lang, 'refused.other');
}

function Nav({ send, lang }: { send: Send; lang: Language }) {
  return (
    <PinnedRow>
      <button type="button" onClick={() => send({ type: 'BACK' })}>
        {mt(lang, 'cancel')}
      </button>
    </PinnedRow>
  );
}

function PinScreen({ view, send, lang }: { view: Extract<View, { phase: 'pin' }>; send: Send; lang: Language }) {
  return (
    <>
      <h1>{mt(lang, 'pin.title')}</h1>
      <p class="muted">{view.technicianName}</p>
      <div class="text-field maint-pin" data-testid="maint-pin-dots" aria-label={mt(lang, 'pin.title')}>
        {'●'.repeat(view.digits)}
      </div>
      {view.error && (
        <p class="notice" data-testid="maint-pin-error">
          {mt(lang, view.error.code === 'wrong-pin' ? 'pin.wrong' : 'pin.invalid', view.error.attemptsLeft ?? 0)}
        </p>
      )}
      {view.checking && <p class="muted">{mt(lang, 'pin.checking')}</p>}
      <NumericKeypad
        actions={{ key: (k) => send({ type: 'KEY.PRESS', key: k }), backspace: () => send({ type: 'KEY.BACKSPACE' }), clear: () => send({ type: 'KEY.CLEAR' }) }}
        labels={{ backspace: mt(lang, 'backspace'), clear: mt(lang, 'clear') }}
      />
      <PinnedRow>
        <button type="button" onClick={() => send({ type: 'BACK' })}>
          {mt(lang, 'cancel')}
        </button>
        <button type="button" class="primary" data-testid="maint-pin-submit" disabled={view.digits < 4 || view.checking} onClick={() => send({ type: 'SUBMIT' })}>
          {mt(lang, 'submit')}
        </button>
      </PinnedRow>
    </>
  );
}

function SessionScreen({ view, send, lang }: { view: SessionView; send: Send; lang: Language }) {
  const s = view.status;
  return (
    <div class="maint" data-testid="maint-session" data-page={view.page}>
      <header class="maint-head">
        <strong>{view.technicianName}</strong>
        {s && <span class={s.inService ? 'maint-ok' : 'maint-bad'}>{mt(lang, s.inService ? 'service.in' : 'outOfService')}</span>}
        {view.busy && <span class="muted">{mt(lang, 'busy')}</span>}
      </header>
      <nav class="maint-tabs">
        {MAINTENANCE_PAGES.map((p) => (
          <button type="button" key={p} aria-pressed={view.page === p} data-testid={`maint-page-${p}`} onClick={() => send({ type: 'MAINT.PAGE', page: p })}>
            {mt(lang, `page.${p}`)}
          </button>
        ))}
      </nav>
      {view.notice && (
        <p class="notice" data-testid="maint-notice" data-code={view.notice.code}>
          {mtOf(lang, 'notice', view.notice.code, 'notice.other')}
        </p>
      )}
      {s && <Page view={view} status={s} send={send} lang={lang} />}
      <PinnedRow>
        <button type="button" onClick={() => send({ type: 'MAINT.REFRESH' })} disabled={view.busy !== null}>
          {mt(lang, 'refresh')}
        </button>
        {s && (
          <button type="button" data-testid="maint-service" onClick={() => send({ type: 'MAINT.SERVICE', inService: !s.inService })} disabled={view.busy !== null}>
            {mt(lang, s.inService ? 'service.take-out' : 'service.put-back')}
          </button>
        )}
        <button type="button" class="primary" data-testid="maint-exit" onClick={() => send({ type: 'EXIT' })}>
          {mt(lang, 'exit')}
        </button>
      </PinnedRow>
    </div>
  );
}

function Page({ view, status, send, lang }: { view: SessionView; status: MaintenanceStatus; send: Send; lang: Language }) {
  const busy = view.busy !== null;
  switch (view.page) {
    case 'devices':
      return (
        <>
          <table class="maint-table">
            <tbody>
              {status.devices.map((d) => (
                <tr key={`${d.device}:${d.unit ?? ''}`} data-device={d.device} data-unit={d.unit} data-state={d.state}>
                  <td data-testid="maint-device-name">{deviceWord(lang, d.device, d.unit)}</td>
                  <td class={d.state === 'ok' ? 'maint-ok' : 'maint-bad'}>{stateWord(lang, d.state)}</td>
                  <td>
                    {faultWord(lang, d.code)}
                    {d.detail !== null && <small class="maint-raw" data-testid="maint-device-raw">{d.detail}</small>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="actions">
            {SELF_TESTS.map((t: SelfTestName) => {
              const result = view.tests.find((r) => r.test === t);
              return (
                <button type="button" class="action" key={t} data-testid={`maint-test-${t}`} disabled={busy} onClick={() => send({ type: 'MAINT.TEST', test: t })}>
                  {mt(lang, `test.${t}`)}
                  {view.busy === `test:${t}` && <small> · {mt(lang, 'busy')}</small>}
                  {result && (
                    <small class={result.ok ? 'maint-ok' : 'maint-bad'} data-testid={`maint-result-${t}`} data-ok={String(result.ok)}>
                      {' '}
                      · {mt(lang, result.ok ? 'test.ok' : 'test.failed')}: {selfTestWords(lang, result, status.devices)}
                    </small>
                  )}
                </button>
              );
            })}
          </div>
        </>
      );
    case 'outbox':
      return (
        <>
          <dl class="maint-facts">
            <dt>{mt(lang, 'outbox.depth')}</dt>
            <dd data-testid="maint-outbox-depth">{status.outbox.depth}</dd>
            <dt>{mt(lang, 'outbox.oldest')}</dt>
            <dd data-testid="maint-outbox-oldest">{status.outbox.oldestPendingAt === null ? '—' : formatDateTime(lang, status.outbox.oldestPendingAt)}</dd>
            <dt>{mt(lang, 'outbox.last-sync')}</dt>
            <dd data-testid="maint-outbox-last-sync">{status.outbox.lastSuccessfulSyncAt === null ? '—' : formatDateTime(lang, status.outbox.lastSuccessfulSyncAt)}</dd>
            <dt>{mt(lang, 'outbox.rejected')}</dt>
            <dd>{status.outbox.rejected}</dd>
          </dl>
          <table class="maint-table">
            <tbody>
              {status.outbox.rejectedItems.map((r) => (
                <tr key={r.seq} data-seq={r.seq}>
                  <td>#{r.seq}</td>
                  <td>{mtOf(lang, 'kind', r.kind, 'kind.other')}</td>
                  <td>{formatDateTime(lang, r.createdAt)}</td>
                  <td>{[r.code, r.reason].filter(Boolean).join(': ')}</td>
                  <td>
                    <button type="button" class="key" disabled={busy} onClick={() => send({ type: 'MAINT.OUTBOX', action: 'retry', seq: r.seq })}>
                      {mt(lang, 'retry')}
                    </button>
                    <button type="button" class="key" disabled={busy} onClick={() => send({ type: 'MAINT.OUTBOX', action: 'discard', seq: r.seq })}>
                      {mt(lang, 'outbox.discard')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      );
    case 'network': {
      const n = status.network;
      return (
        <dl class="maint-facts">
          <dt>{mt(lang, 'network.sync')}</dt>
          <dd data-testid="maint-sync" data-sync={n.sync}>
            {mtOf(lang, 'sync', n.sync, 'unknown')}
          </dd>
          <dt>{mt(lang, 'network.central')}</dt>
          <dd>{n.centralReachable === null ? mt(lang, 'unknown') : mt(lang, n.centralReachable ? 'yes' : 'no')}</dd>
          <dt>{mt(lang, 'network.clock')}</dt>
          <dd>{n.clockOffsetMs === null ? '—' : `${(n.clockOffsetMs / 1000).toFixed(1)} s`}</dd>
          <dt>{mt(lang, 'network.fault')}</dt>
          <dd>{n.lastFault ?? '—'}</dd>
        </dl>
      );
    }
    case 'log':
      return (
        <ol class="maint-log" data-testid="maint-log">
          {status.log.map((l, i) => (
            <li key={i} data-level={l.level}>
              <time dateTime={l.at}>{formatDateTime(lang, l.at, { seconds: true })}</time> {l.text}
            </li>
          ))}
        </ol>
      );
    case 'config':
      return (
        <table class="maint-table">
          <tbody>
            {status.config.map((c) => (
              <tr key={c.key}>
                <td>{c.key}</td>
                <td>{c.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      );
  }
}
