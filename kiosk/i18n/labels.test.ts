import { describe, expect, it } from 'vitest';
import { isSurveyReason, surveyReasonChoices } from './labels.js';

describe('rating reasons fit the score', () => {
  it('offers praise for 4–5 stars, what went wrong for 1–3, nothing before a score', () => {
    const good = surveyReasonChoices('en', 5).map((r) => r.id);
    const poor = surveyReasonChoices('zh', 2).map((r) => r.id);
    expect(good).toContain('fast');
    expect(good).not.toContain('slow');
    expect(poor).toContain('not-solved');
    expect(poor).not.toContain('fast');
    expect(poor).not.toContain('clear');
    expect(surveyReasonChoices('zh', 3).map((r) => r.id)).toEqual(poor);
    expect(surveyReasonChoices('en', null)).toEqual([]);
    expect(surveyReasonChoices('zh', 2).map((r) => r.label)).toContain('问题没有解决');
    for (const id of [...good, ...poor]) expect(isSurveyReason(id)).toBe(true);
  });
});
