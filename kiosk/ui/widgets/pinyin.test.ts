import { describe, expect, it } from 'vitest';
import { buildPinyinDictionary, firstSyllable, gb2312Characters, spellSyllables } from './pinyin.js';

describe('pinyin candidates from pinyin-pro over GB2312', () => {
  const dict = buildPinyinDictionary('充值卡');

  it('enumerates the 6,763 GB2312 characters, 3,755 of them level 1', () => {
    const { chars, level1Count } = gb2312Characters();
    expect(chars.length).toBe(6763);
    expect(level1Count).toBe(3755);
    expect(chars[0]).toBe('啊');
  });

  it('offers the characters a passenger means for common syllables', () => {
    expect(dict.candidates('ni').slice(0, 8)).toContain('你');
    expect(dict.candidates('ka')[0]).toBe('卡');
    expect(dict.candidates('chong')[0]).toBe('充');
    expect(dict.candidates('zhan').slice(0, 16)).toContain('站');
    expect(dict.candidates('lv')).toContain('旅');
  });

  it('puts a character under each of its readings, first readings first', () => {
    const zhi = dict.candidates('zhi');
    expect(zhi[0]).toBe('值');
    expect(zhi).toContain('识');
    expect(zhi.indexOf('知')).toBeLessThan(zhi.indexOf('识'));
  });

  it('answers a prefix that is no syllable with every syllable it starts', () => {
    const zh = dict.candidates('zh');
    expect(zh).toContain('中');
    expect(zh).toContain('站');
    expect(new Set(zh).size).toBe(zh.length);
  });

  it('splits typed letters into syllables, longest first', () => {
    expect(firstSyllable(dict, 'chongzhi')).toBe('chong');
    expect(spellSyllables(dict, 'chongzhika')).toBe('chong zhi ka');
    expect(firstSyllable(dict, 'zh')).toBe('zh');
    expect(dict.candidates('qqq')).toEqual([]);
  });
});
