/** China keeps UTC+8 all year (no daylight saving time). */
export const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

/** The calendar date in Asia/Shanghai, `YYYY-MM-DD`, of an instant (a Date or epoch ms). */
export function shanghaiDate(instant: Date | number): string {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * `2026-12-01 12:30`: an instant (ISO text or epoch ms) to the minute in Beijing time, whatever
 * the zone of the machine or browser; `—` when there is none or it cannot be read. The one such
 * helper of central's pages and the passenger's ticket page.
 */
export function beijingTime(instant: string | number | null | undefined): string {
  if (instant === null || instant === undefined) return '—';
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  if (Number.isNaN(ms)) return '—';
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Beijing midnight of a `YYYY-MM-DD` as epoch ms, or null when it is no real date (2000–2099). */
export function beijingMidnight(date: string): number | null {
  const m = DATE.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 2000 || y > 2099) return null;
  const utc = Date.UTC(y, mo - 1, d);
  const back = new Date(utc);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return utc - SHANGHAI_OFFSET_MS;
}
