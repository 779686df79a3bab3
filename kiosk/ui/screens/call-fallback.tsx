import { callText, endedText } from '../call/texts.js';
import { label } from '../labels.js';
import type { ScreenProps } from './types.js';
import { PinnedRow } from '../widgets/pinned-row.js';

/** Shown for the `call` screen until the video-call components (`kiosk/ui/call/`) take over; it says each call word with the call screen's table. */
export function CallFallbackScreen({ model, send, lang }: ScreenProps<'call'>) {
  const text =
    model.phase === 'connecting'
      ? callText(lang, 'connecting')
      : model.phase === 'queued'
        ? callText(lang, 'queued', model.queuePosition ?? 0)
        : model.phase === 'in-call'
          ? label(lang, 'call.in-call')
          : model.phase === 'ended'
            ? endedText(lang, 'hung-up')
            : label(lang, 'call.unavailable');
  return (
    <>
      <h1>{callText(lang, 'title')}</h1>
      <p data-testid="call-phase" data-phase={model.phase}>
        {text}
      </p>
      <PinnedRow>
        <button type="button" class="primary" onClick={() => send({ type: model.phase === 'in-call' ? 'CALL.HANGUP' : 'CALL.CANCEL' })}>
          {callText(lang, model.phase === 'in-call' ? 'hangUp' : 'cancel')}
        </button>
      </PinnedRow>
    </>
  );
}
