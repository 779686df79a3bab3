/**
 * `kiosk install [--root DIR] [--config FILE] [--app-dir DIR] [--node PATH]` and
 * `kiosk uninstall [--root DIR]` (root, Debian 12): the kiosk as system services. See
 * docs/appliance.md. `--root` installs into another folder (an image being built, a test).
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, parseKioskConfig, publicUrlProblem } from '../config/index.js';
import { APP_ROOT } from '../appliance/app-layout.js';
import { CONFIG_PATH } from '../appliance/install-plan.js';
import { install, uninstall } from '../appliance/install.js';

const say = (line: string) => process.stdout.write(line + '\n');

function pinnedNode(appDir: string): string {
  const pinned = existsSync(join(appDir, '.node-version')) ? readFileSync(join(appDir, '.node-version'), 'utf8').trim() : null;
  const candidate = pinned ? join(appDir, '.runtime', `node-${pinned}`, 'bin', 'node') : null;
  return candidate && existsSync(candidate) ? candidate : process.execPath;
}

function needRoot(): string | null {
  return process.getuid?.() === 0 ? null : 'needs root (it creates a system user and writes to /etc)';
}

export function runInstall(args: string[]): Promise<number> {
  return Promise.resolve(installNow(args));
}

function installNow(args: string[]): number {
  const { values } = parseArgs({
    args,
    options: {
      root: { type: 'string', default: '/' },
      config: { type: 'string' },
      'app-dir': { type: 'string', default: APP_ROOT },
      node: { type: 'string' },
      cage: { type: 'string', default: '/usr/bin/cage' },
    },
  });
  const root = resolve(values.root);
  if (root === '/' && needRoot()) {
    process.stderr.write(`kiosk install ${needRoot()}\n`);
    return 2;
  }
  const appDir = resolve(values['app-dir']);
  if (!existsSync(join(appDir, 'dist', 'app', 'kiosk', 'cli.js'))) {
    process.stderr.write(`kiosk install: ${appDir} has no compiled kiosk (dist/app/kiosk/cli.js); run "npm run build" first\n`);
    return 2;
  }
  const configFile = values.config ?? join(root, CONFIG_PATH);
  if (!existsSync(configFile)) {
    process.stderr.write(`kiosk install: give the station's configuration with --config FILE (there is none at ${CONFIG_PATH} yet)\n`);
    return 2;
  }
  const text = readFileSync(configFile, 'utf8');
  let port: number;
  try {
    const config = parseKioskConfig(JSON.parse(text) as unknown, configFile);
    port = config.ui.port;
    const publicProblem = publicUrlProblem(config, false);
    if (publicProblem !== null) throw new Error(`${configFile}: ${publicProblem}`);
    if (isAbsolute(config.dataDir) && !config.dataDir.startsWith('/var/lib/station-kiosk')) say(`  note: dataDir ${config.dataDir} is outside /var/lib/station-kiosk, the only folder the service may write`);
  } catch (e) {
    process.stderr.write(`kiosk install: ${e instanceof ConfigError ? e.message : e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  if (port === 0) {
    process.stderr.write('kiosk install: the configuration needs a fixed ui.port (the browser service and the camera policy name it)\n');
    return 2;
  }
  const node = values.node ?? pinnedNode(appDir);
  if (!existsSync(values.cage)) say(`  note: ${values.cage} is missing: apt-get install cage (the kiosk window's compositor)`);
  say(`Installing the station kiosk under ${root} (app ${appDir}, Node ${node})`);
  install({ root, config: text, appDir, node, uiOrigin: `http://127.0.0.1:${port}`, cage: values.cage, say });
  say('Installed.');
  return 0;
}

export function runUninstall(args: string[]): Promise<number> {
  return Promise.resolve(uninstallNow(args));
}

function uninstallNow(args: string[]): number {
  const { values } = parseArgs({ args, options: { root: { type: 'string', default: '/' } } });
  const root = resolve(values.root);
  if (root === '/' && needRoot()) {
    process.stderr.write(`kiosk uninstall ${needRoot()}\n`);
    return 2;
  }
  say(`Removing the station kiosk from ${root}`);
  const removed = uninstall(root, say);
  say(removed ? 'Removed.' : 'Nothing removed.');
  return removed ? 0 : 1;
}

export const run = runInstall;
