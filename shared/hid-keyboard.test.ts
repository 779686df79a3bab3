// Pins the table to the USB HID Usage Tables (Keyboard/Keypad page 0x07), independently of
// the driver and the simulator, which both read it.
import { describe, expect, it } from 'vitest';
import { hidKeyboardCharacter, hidKeyStrokeFor } from './hid-keyboard.js';

describe('HID keyboard usage table', () => {
  it.each([
    [0x04, false, 'a'],
    [0x1d, false, 'z'],
    [0x04, true, 'A'],
    [0x1e, false, '1'],
    [0x27, false, '0'],
    [0x1e, true, '!'],
    [0x2c, false, ' '],
    [0x2d, false, '-'],
    [0x38, false, '/'],
    [0x38, true, '?'],
    [0x33, true, ':'],
  ])('usage 0x%s (shift %s) is %j', (usage, shift, ch) => {
    expect(hidKeyboardCharacter(usage, shift)).toBe(ch);
    expect(hidKeyStrokeFor(ch)).toEqual({ usage, shift });
  });
  it('has no character for non-printing usages', () => {
    expect(hidKeyboardCharacter(0x00, false)).toBeUndefined();
    expect(hidKeyboardCharacter(0xe1, false)).toBeUndefined();
    expect(hidKeyStrokeFor('中')).toBeUndefined();
  });
});
