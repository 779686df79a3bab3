/**
 * `central report weekly [--week YYYY-MM-DD] [--line L] --out FILE.pdf`: the weekly PDF report
 * made on the command line from central's storage, the same file the supervisor downloads from
 * `/v1/staff/insight/weekly-report.pdf` (for a scheduled job that mails it to the departments).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CentralStorage } from '../storage/types.js';
import { InsightQueryError } from '../insight/filter.js';
import { makeWeeklyReport } from './routes.js';

export const REPORT_USAGE = `  central report weekly [--week YYYY-MM-DD] [--line L] --out FILE.pdf
                         (the weekly PDF report of the Monday-to-Sunday Beijing week holding --week; the last whole week unless told)`;

/** Runs the command with central's storage; 0 done, 2 a usage problem (told on stderr). */
export async function reportCommand<F>(args: string[], storageOptions: F, withStorage: (flags: Record<string, string | undefined>, fn: (storage: CentralStorage) => Promise<void>) => Promise<void>): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...(storageOptions as Record<string, { type: 'string' }>), week: { type: 'string' }, line: { type: 'string' }, out: { type: 'string' } },
  });
  const flags = values as Record<string, string | undefined>;
  if (positionals[0] !== 'weekly' || positionals.length !== 1 || !flags['out']) {
    process.stderr.write(`usage:\n${REPORT_USAGE}\n`);
    return 2;
  }
  try {
    await withStorage(flags, async (storage) => {
      const report = await makeWeeklyReport(storage, { week: flags['week'] ?? null, line: flags['line'] ?? null }, () => new Date());
      writeFileSync(flags['out']!, report.pdf);
      process.stdout.write(`weekly report ${report.from} to ${report.to} (Beijing time): ${report.answers.tickets.total} tickets, written to ${flags['out']}\n`);
    });
  } catch (e) {
    if (e instanceof InsightQueryError) {
      process.stderr.write(`central: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  return 0;
}
