import { useState } from 'preact/hooks';
import type { Choice } from '../../../shared/ui-protocol.js';

const ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
const PUNCTUATION = [',', '.', '?', '!', '-', ':', '/', '(', ')', '@', "'", '，', '。', '？'];

export interface KeyboardActions {
  readonly key: (ch: string) => void;
  readonly backspace: () => void;
  readonly clear: () => void;
}

export interface OnScreenKeyboardProps {
  readonly actions: KeyboardActions;
  /** Ready-made sentences the passenger can add with one tap. */
  readonly phrases: readonly Choice[];
  readonly onPhrase: (id: string) => void;
  readonly labels: { readonly space: string; readonly backspace: string; readonly shift: string; readonly clear: string; readonly phrases: string };
}

/**
 * Latin letters, digits, punctuation and common phrases; no physical keyboard needed. The
 * keyboard keeps no text of its own: each key goes to the runtime, which sends the text back.
 */
export function OnScreenKeyboard({ actions, phrases, onPhrase, labels }: OnScreenKeyboardProps) {
  const [upper, setUpper] = useState(false);
  return (
    <div class="keyboard" data-testid="keyboard">
      {phrases.length > 0 && (
        <div class="phrases" aria-label={labels.phrases}>
          {phrases.map((p) => (
            <button type="button" class="phrase" key={p.id} data-phrase={p.id} onClick={() => onPhrase(p.id)}>
              {p.label}
            </button>
          ))}
        </div>
      )}
      {ROWS.map((row) => (
        <div class="key-row" key={row}>
          {[...row].map((k) => {
            const ch = upper ? k.toUpperCase() : k;
            return (
              <button type="button" class="key" key={k} data-key={ch} onClick={() => actions.key(ch)}>
                {ch}
              </button>
            );
          })}
        </div>
      ))}
      <div class="key-row">
        {PUNCTUATION.map((p) => (
          <button type="button" class="key" key={p} data-key={p} onClick={() => actions.key(p)}>
            {p}
          </button>
        ))}
      </div>
      <div class="key-row">
        <button type="button" class={upper ? 'key wide on' : 'key wide'} aria-pressed={upper} onClick={() => setUpper(!upper)}>
          {labels.shift}
        </button>
        <button type="button" class="key space" data-key="space" onClick={() => actions.key(' ')}>
          {labels.space}
        </button>
        <button type="button" class="key wide" data-key="backspace" onClick={actions.backspace}>
          {labels.backspace}
        </button>
        <button type="button" class="key wide" data-key="clear" onClick={actions.clear}>
          {labels.clear}
        </button>
      </div>
    </div>
  );
}
