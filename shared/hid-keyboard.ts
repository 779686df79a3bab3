/**
 * The characters a keyboard-wedge scanner types, as usage ids of the HID Keyboard/Keypad page
 * (0x07) in a US layout: letters, digits, space and the ASCII punctuation keys. The driver reads
 * it to turn boot keyboard reports into text, the simulator to turn text into reports.
 */

/** Modifier byte (byte 0 of a boot keyboard report): Left Shift. */
export const HID_MODIFIER_LEFT_SHIFT = 0x02;
/** Modifier byte: Right Shift. */
export const HID_MODIFIER_RIGHT_SHIFT = 0x20;
/** Keyboard Return (Enter), which ends a scanned code. */
export const HID_USAGE_ENTER = 0x28;
/** Keypad Enter; some scanners end a code with it instead. */
export const HID_USAGE_KEYPAD_ENTER = 0x58;

/** One key of the table. */
export interface HidKeyboardKey {
  readonly usage: number;
  readonly plain: string;
  /** With either Shift held. */
  readonly shifted: string;
}

const PUNCTUATION: readonly (readonly [usage: number, plain: string, shifted: string])[] = [
  [0x2c, ' ', ' '],
  [0x2d, '-', '_'],
  [0x2e, '=', '+'],
  [0x2f, '[', '{'],
  [0x30, ']', '}'],
  [0x31, '\\', '|'],
  [0x33, ';', ':'],
  [0x34, "'", '"'],
  [0x35, '`', '~'],
  [0x36, ',', '<'],
  [0x37, '.', '>'],
  [0x38, '/', '?'],
];

/** Every key with a character: a–z at 0x04–0x1D, 1–9 and 0 at 0x1E–0x27, then space and punctuation. */
export const HID_KEYBOARD_KEYS: readonly HidKeyboardKey[] = [
  ...[...'abcdefghijklmnopqrstuvwxyz'].map((plain, i) => ({ usage: 0x04 + i, plain, shifted: plain.toUpperCase() })),
  ...[...'1234567890'].map((plain, i) => ({ usage: 0x1e + i, plain, shifted: '!@#$%^&*()'.charAt(i) })),
  ...PUNCTUATION.map(([usage, plain, shifted]) => ({ usage, plain, shifted })),
];

const BY_USAGE = new Map(HID_KEYBOARD_KEYS.map((key) => [key.usage, key]));

/** How to type one character: the usage id and whether Shift is held. */
export interface HidKeyStroke {
  readonly usage: number;
  readonly shift: boolean;
}

const BY_CHARACTER = new Map<string, HidKeyStroke>();
for (const key of HID_KEYBOARD_KEYS) {
  if (!BY_CHARACTER.has(key.plain)) BY_CHARACTER.set(key.plain, { usage: key.usage, shift: false });
  if (!BY_CHARACTER.has(key.shifted)) BY_CHARACTER.set(key.shifted, { usage: key.usage, shift: true });
}

/** The character `usage` types, or `undefined` for a key outside the table (Enter, modifiers, F-keys…). */
export function hidKeyboardCharacter(usage: number, shift: boolean): string | undefined {
  const key = BY_USAGE.get(usage);
  if (key === undefined) return undefined;
  return shift ? key.shifted : key.plain;
}

/** The key stroke that types `character` (unshifted where both would), or `undefined` if no key types it. */
export function hidKeyStrokeFor(character: string): HidKeyStroke | undefined {
  return BY_CHARACTER.get(character);
}
