/** Survey reasons; ticket categories and statuses are the shared tables in shared/words.ts. */
import type { Choice, Language } from '../../shared/ui-protocol.js';
import { wordsIn, type Words } from '../../shared/words.js';

export { categoryLabel, ticketStatusLabel } from '../../shared/words.js';

/** Reasons for a good score (4–5) and for a poor one (1–3): a reason always fits the stars given. */
const REASONS: readonly (Words & { id: string; fits: 'good' | 'poor' })[] = [
  { id: 'fast', fits: 'good', zh: '很快', en: 'Quick' },
  { id: 'clear', fits: 'good', zh: '说明清楚', en: 'Clear explanation' },
  { id: 'solved', fits: 'good', zh: '问题解决了', en: 'My problem was solved' },
  { id: 'easy', fits: 'good', zh: '操作简单', en: 'Easy to use' },
  { id: 'slow', fits: 'poor', zh: '太慢', en: 'Too slow' },
  { id: 'unclear', fits: 'poor', zh: '看不懂', en: 'Hard to understand' },
  { id: 'not-solved', fits: 'poor', zh: '问题没有解决', en: 'My problem was not solved' },
  { id: 'hard-to-use', fits: 'poor', zh: '操作太难', en: 'Hard to use' },
];

/** The reasons that fit `score` (none before a score is given). */
export function surveyReasonChoices(lang: Language, score: number | null): Choice[] {
  if (score === null) return [];
  const fits = score >= 4 ? 'good' : 'poor';
  return REASONS.filter((r) => r.fits === fits).map((r) => ({ id: r.id, label: wordsIn(lang, r) }));
}

export function isSurveyReason(id: string): boolean {
  return REASONS.some((r) => r.id === id);
}
