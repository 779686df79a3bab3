/**
 * The call screens of the kiosk page: queued (place, estimate, time waited), ringing, in call
 * (agent video large, own video small, mute, hang up), the callback offer and its ticket id.
 * `CallScreen` renders the `call` screen model (the session's call slot picks it up); `CallView` renders
 * just the view and takes the event sink, for pages that mount it on their own.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { CallArticle, CallMedia, CallView as CallViewModel } from '../../../shared/call-protocol.js';
import { wordsIn } from '../../../shared/words.js';
import type { Language, PassengerEvent } from '../../../shared/ui-protocol.js';
import type { ScreenProps } from '../screens/types.js';
import { QrCode } from '../widgets/qr-code.js';
import { NumericKeypad } from '../widgets/keypad.js';
import { ArticleText } from '../screens/faq.js';
import { groupPhone, keyLabels, TextField } from '../screens/report.js';
import { EmergencyScreen } from './emergency.js';
import { KioskCallMedia, type MediaState } from './media.js';
import { callText, endedText, fallbackText } from './texts.js';
import { PinnedRow } from '../widgets/pinned-row.js';

export { KioskCallMedia } from './media.js';

type Send = (event: PassengerEvent) => void;

interface Props {
  readonly view: CallViewModel;
  readonly send: Send;
  readonly lang: Language;
  /** Kiosk clock offset (ms) to count the time waited; 0 when page and runtime share a clock. */
  readonly nowMs?: () => number;
}

function mmss(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function Queued({ view, lang, nowMs }: { view: Extract<CallViewModel, { phase: 'queued' }>; lang: Language; nowMs: () => number }) {
  const [now, setNow] = useState(nowMs());
  useEffect(() => {
    const t = setInterval(() => setNow(nowMs()), 1000);
    return () => clearInterval(t);
  }, [nowMs]);
  return (
    <div class="call-queued">
      <p class="big" data-testid="call-position" data-position={view.position}>
        {callText(lang, 'queued', view.position)}
      </p>
      <p data-testid="call-estimate">{callText(lang, 'estimate', Math.max(1, Math.ceil(view.estimatedWaitSeconds / 60)))}</p>
      <p data-testid="call-waited">{callText(lang, 'waited', mmss(now - view.queuedAtMs))}</p>
    </div>
  );
}

/**
 * The media session of the call on screen: made when central hands out the media channel (while
 * the one agent is rung, or at the answer), kept from ringing into the call, closed when the
 * view has no media any more. The page sends its camera and microphone only while it shows the call.
 */
function useCallMedia(media: CallMedia | null, sending: boolean): KioskCallMedia | null {
  const [call, setCall] = useState<KioskCallMedia | null>(null);
  const latest = useRef(sending);
  latest.current = sending;
  useEffect(() => {
    if (!media) return;
    const m = new KioskCallMedia(media);
    m.setSending(latest.current);
    setCall(m);
    (globalThis as { kioskCall?: KioskCallMedia }).kioskCall = m;
    void m.start();
    return () => {
      m.close();
      setCall(null);
    };
    // One media session per signalling URL (a new token means a new call, a new ring or a resumed call).
  }, [media?.signallingUrl]);
  useEffect(() => call?.setSending(sending), [call, sending]);
  return call;
}

function InCall({ call, muted, send, lang, agentName }: { call: KioskCallMedia | null; muted: boolean; send: Send; lang: Language; agentName: string }) {
  const remote = useRef<HTMLVideoElement>(null);
  const local = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<MediaState>(call?.state ?? 'starting');

  useEffect(() => {
    if (!call) return;
    const show = (): void => {
      setState(call.state);
      if (remote.current && call.remoteStream && remote.current.srcObject !== call.remoteStream) remote.current.srcObject = call.remoteStream;
      if (local.current && call.localStream && local.current.srcObject !== call.localStream) local.current.srcObject = call.localStream;
    };
    show();
    return call.subscribe(show);
  }, [call]);

  // The flow learns the media state once the passenger sees the call (a connection made while
  // ringing is reported here, at once).
  useEffect(() => {
    if (state === 'connected' || state === 'failed') send({ type: 'CALL.MEDIA', state });
  }, [state]);

  useEffect(() => call?.setMuted(muted), [call, muted]);

  return (
    <div class="call-live">
      <p data-testid="call-agent">{callText(lang, 'inCall', agentName)}</p>
      <div class="call-videos">
        <video ref={remote} data-testid="call-remote-video" autoPlay playsInline />
        <video ref={local} data-testid="call-local-video" autoPlay playsInline muted />
      </div>
      {state !== 'connected' && <p data-testid="call-media-state">{callText(lang, 'mediaConnecting')}</p>}
      <div class="nav">
        <button type="button" data-testid="call-mute" aria-pressed={muted} onClick={() => send({ type: 'CALL.MUTE', muted: !muted })}>
          {muted ? callText(lang, 'unmute') : callText(lang, 'mute')}
        </button>
        <button type="button" class="primary danger" data-testid="call-hangup" onClick={() => send({ type: 'CALL.HANGUP' })}>
          {callText(lang, 'hangUp')}
        </button>
      </div>
    </div>
  );
}

/** The help article the agent put on screen, in the passenger's language (the view carries both). */
function CallArticleView({ article, lang }: { article: CallArticle; lang: Language }) {
  switch (article.state) {
    case 'shown':
      return (
        <section class="call-article" data-testid="call-article" data-article={article.id}>
          <p class="muted">{callText(lang, 'article')}</p>
          <ArticleText title={wordsIn(lang, article.title)} body={wordsIn(lang, article.body)} heading="h2" testId="call-article-text" />
        </section>
      );
    case 'loading':
      return (
        <p class="muted" data-testid="call-article" data-article={article.id}>
          {callText(lang, 'articleLoading')}
        </p>
      );
    case 'missing':
      return (
        <p class="notice" data-testid="call-article" data-article={article.id}>
          {callText(lang, 'articleMissing')}
        </p>
      );
  }
}

/** Renders one call view. */
export function CallView({ view, send, lang, nowMs = () => Date.now() }: Props) {
  const call = useCallMedia(view.phase === 'ringing' || view.phase === 'in-call' ? view.media : null, view.phase === 'in-call');
  const cancel = (
    <PinnedRow>
      <button type="button" data-testid="call-cancel" onClick={() => send({ type: 'CALL.CANCEL' })}>
        {callText(lang, 'cancel')}
      </button>
    </PinnedRow>
  );
  const body = (() => {
    switch (view.phase) {
      case 'connecting':
        return (
          <>
            <p>{callText(lang, 'connecting')}</p>
            {cancel}
          </>
        );
      case 'queued':
        return (
          <>
            <Queued view={view} lang={lang} nowMs={nowMs} />
            {cancel}
          </>
        );
      case 'ringing':
        return (
          <>
            <p class="big">{callText(lang, 'ringing')}</p>
            {cancel}
          </>
        );
      case 'in-call':
        return (
          <div class={view.article === null ? 'call-in' : 'call-in with-article'}>
            <InCall call={call} muted={view.muted} send={send} lang={lang} agentName={view.agentName} />
            {view.article !== null && <CallArticleView article={view.article} lang={lang} />}
            {view.reportTicketId !== null && <p data-testid="call-report">{callText(lang, 'report', view.reportTicketId)}</p>}
          </div>
        );
      case 'leaving':
        return <p>{callText(lang, 'leaving')}</p>;
      case 'callback-offer':
        return (
          <form
            class="call-callback"
            onSubmit={(e) => {
              e.preventDefault();
              send({ type: 'SUBMIT' });
            }}
          >
            <p data-testid="call-fallback-reason" data-reason={view.reason}>
              {fallbackText(lang, view.reason)}
            </p>
            <p>{callText(lang, 'callbackOffer')}</p>
            {/* The buttons sit under the number, beside the keypad: in large text they stay above the fold. */}
            <div class="phone-entry">
              <div class="phone-left">
                <p class="muted">{callText(lang, 'phone')}</p>
                <TextField text={groupPhone(view.phone)} short testId="call-phone" />
                {!view.phoneValid && view.phone.length === 11 && <p class="notice error">{callText(lang, 'phoneInvalid')}</p>}
                <div class="nav">
                  <button type="button" data-testid="call-no-phone" onClick={() => send({ type: 'SKIP' })}>
                    {callText(lang, 'noPhone')}
                  </button>
                  <button type="submit" class="primary" data-testid="call-callback-submit" disabled={!view.phoneValid}>
                    {callText(lang, 'submit')}
                  </button>
                </div>
              </div>
              <NumericKeypad
                actions={{ key: (k) => send({ type: 'KEY.PRESS', key: k }), backspace: () => send({ type: 'KEY.BACKSPACE' }), clear: () => send({ type: 'TEXT.SET', text: '' }) }}
                labels={keyLabels(lang)}
              />
            </div>
          </form>
        );
      case 'callback-creating':
        return <p>{callText(lang, 'creating')}</p>;
      case 'callback-failed':
        return (
          <>
            <p class="error">{callText(lang, 'failed')}</p>
            <PinnedRow>
              <button type="button" class="primary" onClick={() => send({ type: 'SUBMIT' })}>
                {callText(lang, 'retry')}
              </button>
            </PinnedRow>
          </>
        );
      case 'callback-done':
        return (
          <>
            <p>{callText(lang, 'ticketDone')}</p>
            <p class="ticket-id big" data-testid="call-ticket-id">
              {view.ticketId}
            </p>
            <QrCode data={view.statusUrl} label={callText(lang, 'followTicket')} />
            <PinnedRow>
              <button type="button" class="primary" data-testid="call-done" onClick={() => send({ type: 'NEXT' })}>
                {callText(lang, 'done')}
              </button>
            </PinnedRow>
          </>
        );
      case 'ended':
        return <p data-testid="call-ended">{endedText(lang, view.reason)}</p>;
    }
  })();
  const emergency = 'lane' in view && view.lane === 'emergency';
  return (
    <section class={`call ${emergency ? 'emergency' : ''}`} data-testid="call-screen" data-phase={view.phase}>
      <h1>{callText(lang, emergency ? 'emergencyTitle' : 'title')}</h1>
      {body}
    </section>
  );
}

/** The `call` screen for the session's call slot; in the emergency lane, the emergency screen around the call. */
export function CallScreen({ model, send, lang }: ScreenProps<'call'>) {
  const call = <CallView view={model.view} send={send} lang={lang} />;
  return model.emergency ? <EmergencyScreen emergency={model.emergency} view={model.view} lang={lang} send={send} call={call} /> : call;
}
