/**
 * `kiosk update FILE [--root DIR] [--apps DIR] [--health-file FILE] [--health-timeout S]
 * [--restart-command CMD]` (root on a station): installs a release beside the running one,
 * switches atomically, and rolls back by itself when the new release does not report healthy.
 * Exit 0 updated, 1 rolled back, 2 refused (nothing changed). See docs/appliance.md.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BROWSER_UNIT, CONFIG_PATH, RUNTIME_UNIT, STATE_DIR } from '../appliance/install-plan.js';
import { update } from '../appliance/update.js';

const say = (line: string) => process.stdout.write(line + '\n');

/** `<root>/var/lib/station-kiosk/<dataDir>/health.json`, from the installed configuration. */
function defaultHealthFile(root: string): string {
  const config = JSON.parse(readFileSync(join(root, CONFIG_PATH), 'utf8')) as { dataDir?: string };
  const dataDir = config.dataDir ?? '.';
  return join(root, isAbsolute(dataDir) ? dataDir : join(STATE_DIR, dataDir), 'health.json');
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      root: { type: 'string', default: '/' },
      apps: { type: 'string' },
      'health-file': { type: 'string' },
      'health-timeout': { type: 'string', default: '90' },
      'restart-command': { type: 'string', default: `systemctl restart ${RUNTIME_UNIT} ${BROWSER_UNIT}` },
    },
  });
  const artifact = positionals[0];
  if (!artifact || positionals.length > 1) {
    process.stderr.write('usage: kiosk update FILE [--root DIR] [--apps DIR] [--health-file FILE] [--health-timeout S] [--restart-command CMD]\n');
    return 2;
  }
  const root = resolve(values.root);
  const appsDir = values.apps ? resolve(values.apps) : join(root, 'opt/station-kiosk');
  let healthFile: string;
  try {
    healthFile = values['health-file'] ? resolve(values['health-file']) : defaultHealthFile(root);
  } catch {
    process.stderr.write(`kiosk update: no installed configuration at ${join(root, CONFIG_PATH)}; give --health-file FILE\n`);
    return 2;
  }
  const timeout = Number(values['health-timeout']);
  if (!Number.isFinite(timeout) || timeout < 1) {
    process.stderr.write('kiosk update: --health-timeout must be a number of seconds\n');
    return 2;
  }
  const command = values['restart-command'];
  const restart = () =>
    new Promise<void>((res) => {
      execFile('sh', ['-c', command], (error, _stdout, stderr) => {
        if (error) say(`restart command failed: ${stderr.trim() || error.message}`);
        res();
      });
    });
  const outcome = await update({ artifact: resolve(artifact), appsDir, healthFile, healthTimeoutMs: timeout * 1000, restart, say });
  switch (outcome.kind) {
    case 'updated':
      say(`Updated to ${outcome.release}.`);
      return 0;
    case 'rolled-back':
      say(`Rolled back to ${outcome.previous}: ${outcome.reason}.`);
      return 1;
    case 'refused':
      process.stderr.write(`kiosk update: ${outcome.reason}; nothing changed\n`);
      return 2;
  }
}
