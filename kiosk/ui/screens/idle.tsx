import { label } from '../labels.js';
import type { ScreenProps } from './types.js';

export function IdleWarningScreen({ model, send, lang }: ScreenProps<'idle-warning'>) {
  return (
    <>
      <h1>{label(lang, 'idleWarning')}</h1>
      <p class="notice" data-testid="idle-warning">
        {label(lang, 'idleDiscard', model.secondsLeft)}
      </p>
      <div class="actions">
        <button type="button" class="action primary" data-testid="idle-continue" onClick={() => send({ type: 'IDLE.CONTINUE' })}>
          {label(lang, 'continue')}
        </button>
        <button type="button" class="action" onClick={() => send({ type: 'IDLE.DISCARD' })}>
          {label(lang, 'discard')}
        </button>
      </div>
    </>
  );
}

export function MaintenanceScreen({ lang }: ScreenProps<'maintenance'>) {
  return <h1 data-testid="maintenance">{label(lang, 'maintenance')}</h1>;
}
