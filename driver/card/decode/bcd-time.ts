/** BCD dates and times as transit cards store them (Asia/Shanghai local time). */
import { bcdDigits, isAll } from '../bytes.js';
import { bcdTime } from '../../../shared/card-encoders.js';

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function isCalendarDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const max = m === 2 && !leap ? 28 : DAYS_IN_MONTH[m - 1]!;
  return d <= max;
}

export type BcdDate = { readonly kind: 'date'; readonly value: string } | { readonly kind: 'empty' } | { readonly kind: 'invalid' };

/**
 * 4 bytes `YY YY MM DD` → `YYYY-MM-DD`. All-zero or all-FF bytes are `empty` (no date set);
 * a non-BCD nibble or an impossible calendar date is `invalid`.
 */
export function decodeBcdDate(bytes: Uint8Array, offset: number): BcdDate {
  if (offset + 4 > bytes.length) return { kind: 'invalid' };
  if (isAll(bytes, offset, 4, 0x00) || isAll(bytes, offset, 4, 0xff)) return { kind: 'empty' };
  const digits = bcdDigits(bytes, offset, 4);
  if (digits === null) return { kind: 'invalid' };
  const y = Number(digits.slice(0, 4));
  const m = Number(digits.slice(4, 6));
  const d = Number(digits.slice(6, 8));
  if (!isCalendarDate(y, m, d)) return { kind: 'invalid' };
  return { kind: 'date', value: `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}` };
}

/** 7 bytes `YYYYMMDDhhmmss` → ISO 8601 with `+08:00`, or null when it is not a valid time. */
export function decodeBcdTime(bytes: Uint8Array, offset: number): string | null {
  const date = decodeBcdDate(bytes, offset);
  if (date.kind !== 'date') return null;
  const t = bcdDigits(bytes, offset + 4, 3);
  if (t === null) return null;
  const h = Number(t.slice(0, 2));
  const min = Number(t.slice(2, 4));
  const s = Number(t.slice(4, 6));
  if (h > 23 || min > 59 || s > 59) return null;
  return `${date.value}T${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4, 6)}+08:00`;
}

/** Inverse of `decodeBcdTime` (the offset must be +08:00). */
export function encodeBcdTime(iso: string): Uint8Array {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})\+08:00$/.exec(iso);
  if (!m) throw new Error(`not a +08:00 ISO time: ${iso}`);
  return bcdTime(`${m[1]!} ${m[2]!}`);
}
