import type { KeyboardActions } from './keyboard.js';

export interface NumericKeypadProps {
  readonly actions: KeyboardActions;
  /** Extra keys after the digits, e.g. `-` and letters for ticket ids. */
  readonly extraKeys?: readonly string[];
  readonly labels: { readonly backspace: string; readonly clear: string };
}

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'];

/** Large digit keys for phone numbers and ticket ids. */
export function NumericKeypad({ actions, extraKeys = [], labels }: NumericKeypadProps) {
  return (
    <div class={extraKeys.length > 0 ? 'keypad wide' : 'keypad'} data-testid="keypad">
      {[...DIGITS, ...extraKeys].map((d) => (
        <button type="button" class="key digit" key={d} data-key={d} onClick={() => actions.key(d)}>
          {d}
        </button>
      ))}
      <button type="button" class="key" data-key="backspace" onClick={actions.backspace}>
        {labels.backspace}
      </button>
      <button type="button" class="key" data-key="clear" onClick={actions.clear}>
        {labels.clear}
      </button>
    </div>
  );
}
