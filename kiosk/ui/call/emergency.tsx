/// <reference types="vite/client" />
/**
 * The emergency screen: shown the moment emergency is pressed, before any call is set up, and
 * kept whatever the call does. Big and plain for a passenger in distress: "help has been
 * called", where the station's staff are and their phone, the public emergency numbers (both
 * languages, always), and one line on how far the alarm has got. A live video call shows below.
 */
import type { CallView as CallViewModel } from '../../../shared/call-protocol.js';
import type { EmergencyView, Language, PassengerEvent } from '../../../shared/ui-protocol.js';
import { EMERGENCY_NUMBERS, EMERGENCY_WORDS, wordsIn } from '../../../shared/words.js';
import { PinnedRow } from '../widgets/pinned-row.js';
import './emergency.css';

type Send = (event: PassengerEvent) => void;
type Key = keyof typeof EMERGENCY_WORDS;

const other = (lang: Language): Language => (lang === 'zh' ? 'en' : 'zh');

/** A line in the passenger's language, with the other language smaller below it. */
function Both({ k, lang, cls = '', testId }: { k: Key; lang: Language; cls?: string; testId?: string }) {
  return (
    <p class={`both ${cls}`} data-testid={testId}>
      <span lang={lang}>{wordsIn(lang, EMERGENCY_WORDS[k])}</span>
      <span class="second" lang={other(lang)}>
        {wordsIn(other(lang), EMERGENCY_WORDS[k])}
      </span>
    </p>
  );
}

const ALARM_LINE: Readonly<Record<EmergencyView['alarm'], Key>> = {
  sending: 'sending',
  received: 'received',
  unreachable: 'unreachable',
  'staff-coming': 'staffComing',
  'agent-answering': 'agentAnswering',
};

const VIDEO_LINE: Readonly<Record<Exclude<EmergencyView['video'], 'in-call'>, Key>> = {
  calling: 'videoCalling',
  'no-agent': 'videoNoAgent',
  ended: 'videoEnded',
};

export function EmergencyScreen({ emergency, view, lang, send, call }: { emergency: EmergencyView; view: CallViewModel; lang: Language; send: Send; call: preact.ComponentChildren }) {
  const e = emergency;
  return (
    <section class="emergency-screen" data-testid="emergency-screen" data-alarm={e.alarm} data-video={e.video} data-phase={view.phase}>
      <h1>
        <span lang={lang}>{wordsIn(lang, EMERGENCY_WORDS.title)}</span> <span class="second" lang={other(lang)}>{wordsIn(other(lang), EMERGENCY_WORDS.title)}</span>
      </h1>
      <Both k="helpCalled" lang={lang} cls="called" testId="emergency-called" />
      <div class="guidance">
        <div class="staff" data-testid="emergency-staff">
          {e.staffOffice ? (
            <>
              <Both k="staffWhere" lang={lang} />
              <p class="office">
                <span lang={lang}>{e.staffOffice[lang]}</span>
                <span class="second" lang={other(lang)}>
                  {e.staffOffice[other(lang)]}
                </span>
              </p>
            </>
          ) : (
            <Both k="staffUnknown" lang={lang} cls="office" />
          )}
          {e.staffPhone && (
            <p class="staff-phone">
              <span class="label">
                {wordsIn(lang, EMERGENCY_WORDS.staffPhone)} {wordsIn(other(lang), EMERGENCY_WORDS.staffPhone)}
              </span>
              <span class="number" data-testid="emergency-staff-phone">
                {e.staffPhone}
              </span>
            </p>
          )}
        </div>
        <div class="public" data-testid="emergency-numbers">
          <p class="label">
            {wordsIn(lang, EMERGENCY_WORDS.publicNumbers)} {wordsIn(other(lang), EMERGENCY_WORDS.publicNumbers)}
          </p>
          <ul>
            {EMERGENCY_NUMBERS.map((n) => (
              <li key={n.number}>
                <span class="number">{n.number}</span>
                <span class="what">
                  {n.words.zh} {n.words.en}
                </span>
              </li>
            ))}
          </ul>
        </div>
      </div>
      <div class={`alarm-state ${e.alarm}`} data-testid="emergency-alarm" role="status" aria-live="assertive">
        <Both k={ALARM_LINE[e.alarm]} lang={lang} />
      </div>
      {e.video === 'in-call' ? (
        <div class="emergency-call">{call}</div>
      ) : (
        <>
          <Both k={VIDEO_LINE[e.video]} lang={lang} cls="video-line" testId="emergency-video" />
          <PinnedRow>
            <button type="button" data-testid="emergency-finish" onClick={() => send({ type: 'NEXT' })}>
              {wordsIn(lang, EMERGENCY_WORDS.finish)}
            </button>
          </PinnedRow>
        </>
      )}
    </section>
  );
}
