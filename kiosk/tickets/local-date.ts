const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

/** `YYYY-MM-DD` in Asia/Shanghai (UTC+8 all year: China keeps no daylight saving time). */
export function shanghaiDate(epochMs: number): string {
  return new Date(epochMs + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}
