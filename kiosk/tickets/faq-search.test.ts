import { describe, expect, it } from 'vitest';
import type { FaqArticle } from '../../shared/sync.js';
import { faqCategoryWords } from '../../shared/words.js';
import { pinyinInitials, searchFaq } from './faq-search.js';

const article = (id: string, zh: string, en: string): FaqArticle => ({ id, category: 'card', title: { zh, en }, body: { zh: zh + '。', en: en + '.' }, updatedAt: '2026-11-30T00:00:00Z' });
const ARTICLES = [article('refund', '如何退卡', 'Returning a card'), article('top-up', '如何充值', 'Topping up')];

describe('help search', () => {
  it('finds Chinese words, pinyin initials and English words', () => {
    expect(pinyinInitials('如何退卡')).toBe('rhtk');
    expect(searchFaq(ARTICLES, { text: '退卡', language: 'zh' })[0]?.article.id).toBe('refund');
    expect(searchFaq(ARTICLES, { text: 'tk', language: 'zh' }).map((h) => h.article.id)).toEqual(['refund']);
    expect(searchFaq(ARTICLES, { text: 'cz', language: 'zh' }).map((h) => h.article.id)).toEqual(['top-up']);
    expect(searchFaq(ARTICLES, { text: 'topping', language: 'en' }).map((h) => h.article.id)).toEqual(['top-up']);
  });

  it('names categories in words, never their keys', () => {
    expect(faqCategoryWords('t-union')).toEqual({ zh: '交通联合卡', en: 'T-Union cards' });
    expect(faqCategoryWords('something-new')).toEqual({ zh: '其他问题', en: 'Other questions' });
  });
});
