import type { PassengerEvent } from '../../shared/ui-protocol.js';

export type TextEditEvent = Extract<PassengerEvent, { type: 'TEXT.SET' | 'KEY.PRESS' | 'KEY.BACKSPACE' | 'KEY.CLEAR' }>;
export const TEXT_EDIT_EVENTS = ['TEXT.SET', 'KEY.PRESS', 'KEY.BACKSPACE', 'KEY.CLEAR'] as const;

/** Applies one keyboard event to a field's text, never beyond `max` characters (code points). */
export function editText(text: string, event: TextEditEvent, max: number): string {
  const cap = (s: string) => [...s].slice(0, max).join('');
  switch (event.type) {
    case 'TEXT.SET':
      return cap(event.text);
    case 'KEY.PRESS':
      return cap(text + event.key);
    case 'KEY.BACKSPACE':
      return [...text].slice(0, -1).join('');
    case 'KEY.CLEAR':
      return '';
  }
}
