import { useState } from 'preact/hooks';
import type { Choice, Language } from '../../../shared/ui-protocol.js';
import { buildPinyinDictionary, firstSyllable, spellSyllables, type PinyinDictionary } from './pinyin.js';

const LETTER_ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
const DIGITS = '1234567890';
const PUNCTUATION_ZH = ['，', '。', '？', '！', '、', '：', '（', '）', '-', '@'];
const PUNCTUATION_EN = [',', '.', '?', '!', "'", ':', '(', ')', '-', '@'];
/** Candidates on one page: one row of large buttons. */
const PAGE = 8;

export interface KeyboardActions {
  readonly key: (ch: string) => void;
  readonly backspace: () => void;
  readonly clear: () => void;
}

export interface KeyboardLabels {
  readonly space: string;
  readonly backspace: string;
  readonly shift: string;
  readonly clear: string;
  readonly phrases: string;
  readonly pinyinMode: string;
  readonly latinMode: string;
  readonly candidates: string;
  readonly more: string;
  readonly previous: string;
  readonly typeLetters: string;
}

export interface OnScreenKeyboardProps {
  readonly lang: Language;
  readonly actions: KeyboardActions;
  /** Ready-made sentences the passenger can add with one tap. */
  readonly phrases: readonly Choice[];
  readonly onPhrase: (id: string) => void;
  readonly labels: KeyboardLabels;
}

let dictionary: PinyinDictionary | null = null;
let dictionaryWords = '';

/** Built once per page on first use (about a third of a second), from pinyin-pro's dictionary. */
function pinyinDictionary(preferred: string): PinyinDictionary {
  if (dictionary === null || (preferred !== '' && !dictionaryWords.includes(preferred))) {
    dictionaryWords += preferred;
    dictionary = buildPinyinDictionary(dictionaryWords);
  }
  return dictionary;
}

/**
 * Pinyin with candidates (中文) or Latin letters (ABC), digits, punctuation and ready phrases;
 * no physical keyboard needed. Letters typed in pinyin mode stay on the keyboard until a
 * character is chosen; only chosen characters go to the runtime, which keeps the text and sends
 * it back.
 */
export function OnScreenKeyboard({ lang, actions, phrases, onPhrase, labels }: OnScreenKeyboardProps) {
  const [mode, setMode] = useState<'pinyin' | 'latin'>(lang === 'zh' ? 'pinyin' : 'latin');
  const [upper, setUpper] = useState(false);
  const [letters, setLetters] = useState('');
  const [page, setPage] = useState(0);
  const dict = mode === 'pinyin' ? pinyinDictionary(phrases.map((p) => p.label).join('')) : null;
  const syllable = dict && letters !== '' ? firstSyllable(dict, letters) : '';
  const all = dict && syllable !== '' ? dict.candidates(syllable) : [];
  const shown = all.slice(page * PAGE, page * PAGE + PAGE);

  const setComposition = (next: string) => {
    setLetters(next);
    setPage(0);
  };
  const choose = (ch: string) => {
    for (const c of ch) actions.key(c);
    setComposition(letters.slice(syllable.length));
  };
  const typeLetter = (k: string) => {
    if (mode === 'pinyin') {
      if (letters.length < 24) setComposition(letters + k);
    } else actions.key(upper ? k.toUpperCase() : k);
  };
  const typeOther = (ch: string) => {
    if (letters !== '') {
      // Punctuation or a digit ends the composition: the first candidate goes in first.
      const first = shown[0];
      if (first !== undefined) choose(first);
    }
    actions.key(ch);
  };
  const space = () => {
    const first = shown[0];
    if (letters !== '' && first !== undefined) choose(first);
    else if (letters === '') actions.key(' ');
  };
  const backspace = () => (letters !== '' ? setComposition(letters.slice(0, -1)) : actions.backspace());
  const clear = () => {
    setComposition('');
    actions.clear();
  };
  const switchMode = (m: 'pinyin' | 'latin') => {
    if (m === mode) return;
    if (letters !== '') for (const c of letters) actions.key(c);
    setComposition('');
    setMode(m);
  };
  const punctuation = mode === 'pinyin' ? PUNCTUATION_ZH : PUNCTUATION_EN;

  return (
    <div class="keyboard" data-testid="keyboard" data-mode={mode}>
      {phrases.length > 0 && (
        <div class="phrases" role="group" aria-label={labels.phrases}>
          {phrases.map((p) => (
            <button type="button" class="phrase" key={p.id} data-phrase={p.id} onClick={() => onPhrase(p.id)}>
              {p.label}
            </button>
          ))}
        </div>
      )}
      {mode === 'pinyin' && (
        <div class="composition" data-testid="composition" aria-live="polite">
          <span class="letters" data-testid="pinyin-letters">
            {letters === '' || !dict ? '\u00a0' : spellSyllables(dict, letters)}
          </span>
          <div class="candidates" role="group" aria-label={labels.candidates}>
            {page > 0 && (
              <button type="button" class="key page" data-testid="candidates-previous" onClick={() => setPage(page - 1)}>
                {labels.previous}
              </button>
            )}
            {shown.map((c, i) => (
              <button type="button" class="key candidate" key={c} data-candidate={c} data-testid={i === 0 ? 'candidate-first' : undefined} onClick={() => choose(c)}>
                {c}
              </button>
            ))}
            {all.length > (page + 1) * PAGE && (
              <button type="button" class="key page" data-testid="candidates-more" onClick={() => setPage(page + 1)}>
                {labels.more}
              </button>
            )}
            {letters !== '' && (
              <button
                type="button"
                class="key page"
                data-testid="type-letters"
                onClick={() => {
                  for (const c of letters) actions.key(c);
                  setComposition('');
                }}
              >
                {labels.typeLetters}
              </button>
            )}
          </div>
        </div>
      )}
      <div class="key-row">
        {[...DIGITS].map((d) => (
          <button type="button" class="key" key={d} data-key={d} onClick={() => typeOther(d)}>
            {d}
          </button>
        ))}
      </div>
      {LETTER_ROWS.map((row) => (
        <div class="key-row" key={row}>
          {[...row].map((k) => {
            const ch = mode === 'latin' && upper ? k.toUpperCase() : k;
            return (
              <button type="button" class="key" key={k} data-key={ch} onClick={() => typeLetter(k)}>
                {ch}
              </button>
            );
          })}
        </div>
      ))}
      <div class="key-row">
        {punctuation.map((p) => (
          <button type="button" class="key" key={p} data-key={p} onClick={() => typeOther(p)}>
            {p}
          </button>
        ))}
      </div>
      <div class="key-row">
        <button type="button" class={mode === 'pinyin' ? 'key wide on' : 'key wide'} data-testid="mode-pinyin" aria-pressed={mode === 'pinyin'} onClick={() => switchMode('pinyin')}>
          {labels.pinyinMode}
        </button>
        <button type="button" class={mode === 'latin' ? 'key wide on' : 'key wide'} data-testid="mode-latin" aria-pressed={mode === 'latin'} onClick={() => switchMode('latin')}>
          {labels.latinMode}
        </button>
        {mode === 'latin' && (
          <button type="button" class={upper ? 'key wide on' : 'key wide'} aria-pressed={upper} onClick={() => setUpper(!upper)}>
            {labels.shift}
          </button>
        )}
        <button type="button" class="key space" data-key="space" onClick={space}>
          {labels.space}
        </button>
        <button type="button" class="key wide" data-key="backspace" onClick={backspace}>
          {labels.backspace}
        </button>
        <button type="button" class="key wide" data-key="clear" onClick={clear}>
          {labels.clear}
        </button>
      </div>
    </div>
  );
}
