/** Report builders for the simulated HID devices, written from the formats in docs/devices.md. */
import { hidKeyStrokeFor, HID_MODIFIER_LEFT_SHIFT, HID_USAGE_ENTER } from '../../shared/hid-keyboard.js';

/** HID-POS scanned data: 64-byte reports, 56 data bytes each, AIM id at 59–60, more-follows bit 0 of byte 63. */
export function hidPosReports(text: string, aim = 'Q1', vendorCodeId = 0x73): Uint8Array[] {
  const data = Buffer.from(text, 'utf8');
  const reports: Uint8Array[] = [];
  for (let at = 0; at < data.length || reports.length === 0; at += 56) {
    const part = data.subarray(at, at + 56);
    const r = new Uint8Array(64);
    r[0] = 0x02;
    r[1] = part.length;
    r.set(part, 2);
    r[58] = vendorCodeId;
    r[59] = aim.charCodeAt(0);
    r[60] = aim.charCodeAt(1);
    r[63] = at + 56 < data.length ? 0x01 : 0x00;
    reports.push(r);
  }
  return reports;
}

/** A keyboard-wedge scanner typing `text` then Enter: key down, key up for each character (US layout). */
export function keyboardReports(text: string): Uint8Array[] {
  const reports: Uint8Array[] = [];
  for (const ch of text) {
    const key = hidKeyStrokeFor(ch);
    if (!key) throw new Error(`the simulated keyboard-wedge scanner cannot type ${JSON.stringify(ch)}`);
    reports.push(Uint8Array.of(key.shift ? HID_MODIFIER_LEFT_SHIFT : 0, 0, key.usage, 0, 0, 0, 0, 0), new Uint8Array(8));
  }
  reports.push(Uint8Array.of(0, 0, HID_USAGE_ENTER, 0, 0, 0, 0, 0), new Uint8Array(8));
  return reports;
}

/** A generic button encoder (DragonRise layout): 8 bytes, axes centred, buttons 1–4 in the high nibble of byte 5. */
export function buttonReports(button: 'information' | 'emergency'): Uint8Array[] {
  const idle = Uint8Array.of(0x01, 0x7f, 0x7f, 0x7f, 0x7f, 0x0f, 0x00, 0x00);
  const pressed = Uint8Array.from(idle);
  pressed[5] = 0x0f | (button === 'information' ? 0x10 : 0x20);
  return [pressed, idle];
}
