import { label } from '../labels.js';
import type { ScreenProps } from './types.js';

export function IdleWarningScreen({ model, send, lang }: ScreenProps<'idle-warning'>) {
  return (
    <>
      <h1>{label(lang, 'idle.warning')}</h1>
      <p class="notice" data-testid="idle-warning">
        {label(lang, 'idle.discarding-report', model.secondsLeft)}
      </p>
      <div class="actions">
        <button type="button" class="action primary" data-testid="idle-continue" onClick={() => send({ type: 'IDLE.CONTINUE' })}>
          {label(lang, 'idle.continue')}
        </button>
        <button type="button" class="action" onClick={() => send({ type: 'IDLE.DISCARD' })}>
          {label(lang, 'idle.discard')}
        </button>
      </div>
    </>
  );
}
