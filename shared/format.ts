/** Money, dates and times as people read them, always in Beijing time (Asia/Shanghai): the kiosk's flows, its screens and its technician pages use these. */
import type { Language } from './ui-protocol.js';

export const KIOSK_TIME_ZONE = 'Asia/Shanghai';

/** Fen as yuan with 2 decimals: `4.00 yuan` / `4.00 元`; negative as `-1.50`. */
export function formatYuan(lang: Language, fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.round(fen));
  const text = `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
  return lang === 'zh' ? `${text} 元` : `${text} yuan`;
}

function parts(iso: string): Record<string, string> | null {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  const fmt = new Intl.DateTimeFormat('en-GB', {
    timeZone: KIOSK_TIME_ZONE,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  return Object.fromEntries(fmt.formatToParts(d).map((p) => [p.type, p.value]));
}

/** `08:12` (with `seconds`, `08:12:05`) in Asia/Shanghai; `--:--` for a missing or invalid time. */
export function formatClock(iso: string | null, options: { readonly seconds?: boolean } = {}): string {
  const p = iso === null ? null : parts(iso);
  if (!p) return '--:--';
  return options.seconds === true ? `${p['hour']}:${p['minute']}:${p['second']}` : `${p['hour']}:${p['minute']}`;
}

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `23 Nov 2026` / `2026年11月23日` in Asia/Shanghai; also accepts `YYYY-MM-DD`. */
export function formatDate(lang: Language, isoOrDate: string | null): string {
  if (isoOrDate === null) return lang === 'zh' ? '日期不明' : 'unknown date';
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoOrDate);
  const p = dateOnly ? { year: dateOnly[1]!, month: String(Number(dateOnly[2])), day: String(Number(dateOnly[3])) } : parts(isoOrDate);
  if (!p) return lang === 'zh' ? '日期不明' : 'unknown date';
  const month = Number(p['month']);
  const day = Number(p['day']);
  return lang === 'zh' ? `${p['year']}年${month}月${day}日` : `${day} ${MONTHS_EN[month - 1] ?? '?'} ${p['year']}`;
}

/** Date and time for status pages: `23 Nov 2026 14:05` / `2026年11月23日 14:05` (with `seconds`, `14:05:09`). */
export function formatDateTime(lang: Language, iso: string | null, options: { readonly seconds?: boolean } = {}): string {
  if (iso === null || Number.isNaN(new Date(iso).getTime())) return lang === 'zh' ? '时间不明' : 'time unknown';
  return `${formatDate(lang, iso)} ${formatClock(iso, options)}`;
}
