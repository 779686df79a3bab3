import { describe, expect, it } from 'vitest';
import { DIAGNOSIS_CODES } from './card.js';
import { deviceStateWords, deviceWords, diagnosisSummary, DIAGNOSIS_WORDS } from './words.js';

describe('diagnosis and device words for staff and agents', () => {
  it('names every diagnosis in words in both languages, never the code', () => {
    for (const code of DIAGNOSIS_CODES) {
      const line = diagnosisSummary('both', [code]);
      expect(line).toBe(`${DIAGNOSIS_WORDS[code].zh} ${DIAGNOSIS_WORDS[code].en}`);
      // An English word may equal a one-word code (`expired`); a hyphenated code never reads as words.
      if (code.includes('-')) expect(line).not.toContain(code);
    }
  });

  it('joins several findings and says when nothing was found', () => {
    expect(diagnosisSummary('zh', ['expired', 'open-trip'])).toBe('卡片已过期、有进站无出站的行程');
    expect(diagnosisSummary('en', ['low-balance', 'other-city'])).toBe('Low balance; Card of another city');
    expect(diagnosisSummary('both', [])).toBe('未发现问题 Nothing wrong found');
  });

  it('names devices and states, and an unknown one in words too', () => {
    expect(deviceWords('printer').zh).toBe('凭条打印机');
    expect(deviceStateWords('fault').en).toBe('Fault');
    expect(deviceWords('coffee-maker')).toEqual({ zh: '其他设备', en: 'Other device' });
    expect(deviceStateWords('melting')).toEqual({ zh: '未知', en: 'Unknown' });
  });
});
