import { pinyin } from 'pinyin-pro';
import type { FaqArticle } from '../../shared/sync.js';

export interface FaqHit {
  readonly article: FaqArticle;
  readonly score: number;
}

export interface FaqQuery {
  readonly text: string;
  readonly language: 'zh' | 'en';
  readonly category?: string;
  readonly limit?: number;
}

const HAN = /\p{Script=Han}/u;

/**
 * Search terms of a query: English words (lower case) and, for Chinese, the whole run of Han
 * characters plus its two-character pieces (Chinese has no spaces; bigrams find 退卡 in 如何退卡).
 */
export function faqTerms(text: string): string[] {
  const terms = new Set<string>();
  for (const chunk of text.toLowerCase().normalize('NFKC').split(/[\s\p{P}\p{S}]+/u)) {
    if (chunk === '') continue;
    if (!HAN.test(chunk)) {
      terms.add(chunk);
      continue;
    }
    const chars = [...chunk];
    terms.add(chunk);
    if (chars.length === 1) continue;
    for (let i = 0; i + 1 < chars.length; i++) terms.add(chars[i]! + chars[i + 1]!);
  }
  return [...terms];
}

const initialsCache = new Map<string, string>();

/** `如何退卡` → `rhtk`: the first letter of each character's pinyin (pinyin-pro), for searching by initials. */
export function pinyinInitials(text: string): string {
  let hit = initialsCache.get(text);
  if (hit === undefined) {
    hit = pinyin(text, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'removed' }).join('').toLowerCase();
    initialsCache.set(text, hit);
  }
  return hit;
}

/**
 * Ranks cached articles: a hit in the title counts three, in the body one; both languages are
 * searched, the passenger's first. A query of Latin letters also matches the pinyin initials of
 * the Chinese title (`tk` finds 如何退卡).
 */
export function searchFaq(articles: readonly FaqArticle[], query: FaqQuery): FaqHit[] {
  const terms = faqTerms(query.text);
  const other = query.language === 'zh' ? 'en' : 'zh';
  const hits: FaqHit[] = [];
  for (const article of articles) {
    if (query.category !== undefined && article.category !== query.category) continue;
    let score = 0;
    if (terms.length === 0) score = 1;
    for (const term of terms) {
      const weight = Math.max(1, [...term].length);
      for (const [lang, factor] of [[query.language, 1], [other, 0.5]] as const) {
        if (article.title[lang].toLowerCase().includes(term)) score += 3 * weight * factor;
        if (article.body[lang].toLowerCase().includes(term)) score += weight * factor;
      }
      if (/^[a-z]{2,}$/.test(term) && pinyinInitials(article.title.zh).includes(term)) score += 2 * weight;
    }
    if (score > 0) hits.push({ article, score });
  }
  hits.sort((a, b) => b.score - a.score || a.article.id.localeCompare(b.article.id));
  return hits.slice(0, query.limit ?? 20);
}

export function faqCategories(articles: readonly FaqArticle[]): string[] {
  return [...new Set(articles.map((a) => a.category))].sort();
}
