import { label } from '../labels.js';
import type { ScreenProps } from './types.js';

/** Shown for the `call` screen until the video-call components (`kiosk/ui/call/`) take over. */
export function CallFallbackScreen({ model, send, lang }: ScreenProps<'call'>) {
  const text =
    model.phase === 'connecting'
      ? label(lang, 'callConnecting')
      : model.phase === 'queued'
        ? label(lang, 'callQueued', model.queuePosition ?? 0)
        : model.phase === 'in-call'
          ? label(lang, 'callInCall')
          : model.phase === 'ended'
            ? label(lang, 'callEnded')
            : label(lang, 'callUnavailable');
  return (
    <>
      <h1>{label(lang, 'callTitle')}</h1>
      <p data-testid="call-phase" data-phase={model.phase}>
        {text}
      </p>
      <div class="nav">
        <button type="button" class="primary" onClick={() => send({ type: model.phase === 'in-call' ? 'CALL.HANGUP' : 'CALL.CANCEL' })}>
          {model.phase === 'in-call' ? label(lang, 'hangUp') : label(lang, 'cancel')}
        </button>
      </div>
    </>
  );
}
