/**
 * Pinyin → Chinese characters for the on-screen keyboard.
 *
 * The readings come from pinyin-pro's dictionary (npm `pinyin-pro`, MIT): nothing here is a
 * hand-written dictionary. The character set is GB2312 (6,763 characters; level 1 holds the
 * 3,755 most common ones), enumerated through the browser's and Node's own GBK decoder, and
 * each character is indexed under every reading pinyin-pro knows for it.
 *
 * Candidate order for a syllable: characters whose first reading it is before those that merely
 * can be read so (识 is shí first, zhì second); characters that appear in the kiosk's own words
 * (ready phrases, categories, help articles, passed in as `preferred`) before the rest; GB2312
 * level 1 before level 2.
 */
import { pinyin } from 'pinyin-pro';

export interface PinyinDictionary {
  /** Whether `s` (lower case, `v` for ü) is a syllable some character is read as. */
  isSyllable(s: string): boolean;
  /** Characters for the syllable `s`, or for every syllable that starts with `s` when it is no syllable itself. */
  candidates(s: string): readonly string[];
}

interface Entry {
  readonly ch: string;
  readonly score: number;
}

/** GB2312 characters in code order: level 1 (0xB0A1–0xD7F9) then level 2 (up to 0xF7FE). */
export function gb2312Characters(): { readonly chars: readonly string[]; readonly level1Count: number } {
  const decoder = new TextDecoder('gbk');
  const chars: string[] = [];
  let level1Count = 0;
  for (let hi = 0xb0; hi <= 0xf7; hi++) {
    // Row 0xD7 ends at 0xF9 in GB2312; GBK fills the five cells after it with other characters.
    for (let lo = 0xa1; lo <= (hi === 0xd7 ? 0xf9 : 0xfe); lo++) {
      const c = decoder.decode(new Uint8Array([hi, lo]));
      if (c.length !== 1 || c === '\ufffd') continue;
      chars.push(c);
      if (hi <= 0xd7) level1Count++;
    }
  }
  return { chars, level1Count };
}

const normalise = (s: string) => s.toLowerCase().replace(/ü/g, 'v');

export function buildPinyinDictionary(preferred = ''): PinyinDictionary {
  const liked = new Set([...preferred].filter((c) => /\p{Script=Han}/u.test(c)));
  const { chars, level1Count } = gb2312Characters();
  const bySyllable = new Map<string, Entry[]>();
  chars.forEach((ch, i) => {
    const readings = pinyin(ch, { toneType: 'none', multiple: true, type: 'array' });
    const seen = new Set<string>();
    readings.forEach((r, readingIndex) => {
      const key = normalise(r);
      if (!/^[a-z]+$/.test(key) || seen.has(key)) return;
      seen.add(key);
      const score = (readingIndex === 0 ? 0 : 40_000) + (liked.has(ch) ? 0 : 20_000) + (i < level1Count ? 0 : 10_000) + i;
      let list = bySyllable.get(key);
      if (!list) bySyllable.set(key, (list = []));
      list.push({ ch, score });
    });
  });
  const sorted = new Map<string, readonly string[]>();
  for (const [k, list] of bySyllable) sorted.set(k, [...list].sort((a, b) => a.score - b.score).map((e) => e.ch));
  const syllables = [...sorted.keys()];
  const byPrefix = new Map<string, readonly string[]>();
  return {
    isSyllable: (s) => sorted.has(normalise(s)),
    candidates(input) {
      const s = normalise(input);
      const exact = sorted.get(s);
      if (exact) return exact;
      const cached = byPrefix.get(s);
      if (cached) return cached;
      const merged: Entry[] = [];
      for (const k of syllables) {
        if (!k.startsWith(s)) continue;
        for (const e of bySyllable.get(k)!) merged.push(e);
      }
      const seen = new Set<string>();
      const out = merged
        .sort((a, b) => a.score - b.score)
        .map((e) => e.ch)
        .filter((c) => (seen.has(c) ? false : (seen.add(c), true)));
      byPrefix.set(s, out);
      return out;
    },
  };
}

/**
 * The syllable the next candidate list is for: the longest start of `letters` that is a
 * syllable (`xian` before `xi`), or all of `letters` when no start is one (`zh` → every zh…).
 */
export function firstSyllable(dict: PinyinDictionary, letters: string): string {
  const s = normalise(letters);
  for (let n = Math.min(6, s.length); n > 0; n--) {
    if (dict.isSyllable(s.slice(0, n))) return s.slice(0, n);
  }
  return s;
}

/** `chongzhi` → `chong zhi` (greedy, for showing what was typed). */
export function spellSyllables(dict: PinyinDictionary, letters: string): string {
  const out: string[] = [];
  let rest = normalise(letters);
  while (rest.length > 0) {
    const first = firstSyllable(dict, rest);
    out.push(first);
    rest = rest.slice(first.length);
  }
  return out.join(' ');
}
