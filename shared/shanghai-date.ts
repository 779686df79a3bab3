/** China keeps UTC+8 all year (no daylight saving time). */
export const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

/** The calendar date in Asia/Shanghai, `YYYY-MM-DD`, of an instant (a Date or epoch ms). */
export function shanghaiDate(instant: Date | number): string {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}
