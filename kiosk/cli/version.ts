/**
 * `kiosk version [--json]`: the kiosk's version, the Node it runs on, its native addons and
 * pcscd. Exit 0 when every addon loads, 1 when one does not (the line says which and why).
 */
import { parseArgs } from 'node:util';
import { formatVersionReport, versionReport } from '../appliance/versions.js';

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
  const report = await versionReport();
  process.stdout.write((values.json ? JSON.stringify(report) : formatVersionReport(report)) + '\n');
  return report.addons.every((a) => a.loads) ? 0 : 1;
}
