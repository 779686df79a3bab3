import { hidKeyboardCharacter, HID_MODIFIER_LEFT_SHIFT, HID_MODIFIER_RIGHT_SHIFT, HID_USAGE_ENTER, HID_USAGE_KEYPAD_ENTER } from '../../shared/hid-keyboard.js';

/**
 * Keyboard-wedge scanners type the code as a USB boot keyboard: 8-byte reports
 * `[modifiers, reserved, key1..key6]` with HID Keyboard page usage ids, US layout, Enter at the
 * end. Left or right Shift (modifier bits 0x02, 0x20) selects the shifted character.
 */
export const BOOT_KEYBOARD_REPORT_LENGTH = 8;
const SHIFT = HID_MODIFIER_LEFT_SHIFT | HID_MODIFIER_RIGHT_SHIFT;
/** Longest code typed before Enter; longer input is dropped as noise. */
export const KEYBOARD_WEDGE_MAX_LENGTH = 2048;

export type KeyboardWedgeResult = { readonly text: string } | { readonly code: 'bad-report' | 'too-long'; readonly reason: string } | null;

/** Turns boot keyboard reports into codes: a key counts when it appears (not while held). */
export class KeyboardWedgeDecoder {
  private held = new Set<number>();
  private typed = '';
  private overflow = false;

  push(report: Uint8Array): KeyboardWedgeResult {
    if (report.length !== BOOT_KEYBOARD_REPORT_LENGTH) return { code: 'bad-report', reason: `keyboard report is ${report.length} bytes, expected 8` };
    const shift = (report[0]! & SHIFT) !== 0;
    const keys = [...report.subarray(2)].filter((k) => k !== 0);
    const fresh = keys.filter((k) => !this.held.has(k));
    this.held = new Set(keys);
    for (const key of fresh) {
      if (key === HID_USAGE_ENTER || key === HID_USAGE_KEYPAD_ENTER) {
        const text = this.typed;
        const overflow = this.overflow;
        this.typed = '';
        this.overflow = false;
        if (overflow) return { code: 'too-long', reason: `more than ${KEYBOARD_WEDGE_MAX_LENGTH} characters before Enter` };
        return text.length > 0 ? { text } : null;
      }
      const ch = hidKeyboardCharacter(key, shift);
      if (ch === undefined) continue;
      if (this.typed.length >= KEYBOARD_WEDGE_MAX_LENGTH) this.overflow = true;
      else this.typed += ch;
    }
    return null;
  }
}
