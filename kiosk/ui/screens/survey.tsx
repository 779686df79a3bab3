import { label } from '../labels.js';
import type { ScreenProps } from './types.js';
import { PinnedRow } from '../widgets/pinned-row.js';

const SCORES = [1, 2, 3, 4, 5] as const;

export function SurveyScreen({ model, send, lang }: ScreenProps<'survey'>) {
  switch (model.step) {
    case 'score':
      return (
        <>
          <h1>{label(lang, 'survey.question')}</h1>
          <div class="stars" data-testid="stars">
            {SCORES.map((s) => (
              <button type="button" key={s} aria-label={String(s)} aria-pressed={model.score !== null && s <= model.score} onClick={() => send({ type: 'RATE', score: s })}>
                ★
              </button>
            ))}
          </div>
          <PinnedRow>
            <button type="button" data-testid="survey-skip-rating" onClick={() => send({ type: 'SKIP' })}>
              {label(lang, 'button.skip')}
            </button>
          </PinnedRow>
        </>
      );
    case 'reason':
      return (
        <>
          <h1>{label(lang, 'survey.reason')}</h1>
          <p class="muted" data-testid="survey-score">{label(lang, 'survey.your-score', model.score ?? 0)}</p>
          <div class="actions">
            {model.reasons.map((r) => (
              <button
                type="button"
                class={model.reason === r.id ? 'action chosen' : 'action'}
                key={r.id}
                data-reason={r.id}
                aria-pressed={model.reason === r.id}
                onClick={() => send({ type: 'SURVEY.REASON', reasonId: r.id })}
              >
                {model.reason === r.id ? `✓ ${r.label}` : r.label}
              </button>
            ))}
          </div>
          <PinnedRow>
            <button type="button" data-testid="survey-skip" onClick={() => send({ type: 'SKIP' })}>
              {label(lang, 'button.skip')}
            </button>
            <button type="button" class="primary" data-testid="survey-send" onClick={() => send({ type: 'SUBMIT' })}>
              {label(lang, 'survey.send')}
            </button>
          </PinnedRow>
        </>
      );
    case 'thanks':
      return <h1 data-testid="survey-thanks">{label(lang, 'survey.thanks')}</h1>;
  }
}
