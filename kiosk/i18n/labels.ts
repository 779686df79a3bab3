/** Survey reasons; ticket categories and statuses are the shared tables in shared/words.ts. */
import type { Choice, Language } from '../../shared/ui-protocol.js';
import { wordsIn, type Words } from '../../shared/words.js';

export { categoryLabel, ticketStatusLabel } from '../../shared/words.js';

const REASONS: readonly (Words & { id: string })[] = [
  { id: 'fast', zh: '很快', en: 'Quick' },
  { id: 'clear', zh: '说明清楚', en: 'Clear explanation' },
  { id: 'slow', zh: '太慢', en: 'Too slow' },
  { id: 'unclear', zh: '看不懂', en: 'Hard to understand' },
  { id: 'not-solved', zh: '问题没有解决', en: 'My problem was not solved' },
];

export function surveyReasonChoices(lang: Language): Choice[] {
  return REASONS.map((r) => ({ id: r.id, label: wordsIn(lang, r) }));
}

export function isSurveyReason(id: string): boolean {
  return REASONS.some((r) => r.id === id);
}
