/**
 * `kiosk install` / `kiosk uninstall`: writes the files of {@link installPlan} under a root
 * folder (`/` on a station, a temporary folder in tests), creates the system user with
 * systemd-sysusers, and, on a running system, reloads udev, systemd and journald and enables the
 * services. A manifest records what was written, so uninstall removes exactly that.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BROWSER_UNIT, installPlan, KIOSK_USER, MANIFEST_PATH, RUNTIME_UNIT, type InstallInputs } from './install-plan.js';

export interface InstallOptions extends InstallInputs {
  /** `/` on a station. */
  readonly root: string;
  /** The kiosk configuration (JSON text), already validated. */
  readonly config: string;
  readonly say: (line: string) => void;
}

interface Manifest {
  readonly files: readonly string[];
  readonly user: string;
  readonly installedAt: string;
}

const under = (root: string, path: string) => join(root, path);

function run(command: string, args: readonly string[], say: (line: string) => void): boolean {
  try {
    execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    return true;
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString('utf8').trim();
    say(`  ${command} ${args.join(' ')} failed${stderr ? `: ${stderr}` : ''}`);
    return false;
  }
}

/** systemd runs this machine (it is PID 1). */
export function systemdRunning(): boolean {
  return existsSync('/run/systemd/system');
}

function groupId(root: string, name: string): number | null {
  const file = under(root, '/etc/group');
  if (!existsSync(file)) return null;
  const line = readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  return line ? Number(line.split(':')[2]) : null;
}

export function install(o: InstallOptions): void {
  const live = o.root === '/';
  const plan = installPlan(o, o.config);
  for (const f of plan) {
    const path = under(o.root, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.contents);
    chmodSync(path, f.mode);
    o.say(`  wrote ${f.path}`);
  }
  // The system user and its groups.
  if (!run('systemd-sysusers', [`--root=${o.root}`, under(o.root, '/usr/lib/sysusers.d/station-kiosk.conf')], o.say)) {
    throw new Error('could not create the kiosk user (systemd-sysusers)');
  }
  o.say(`  system user "${KIOSK_USER}" ready`);
  const gid = groupId(o.root, KIOSK_USER);
  if (gid !== null) chownSync(under(o.root, '/etc/station-kiosk/kiosk.json'), 0, gid);
  const manifest: Manifest = { files: [...plan.map((f) => f.path), MANIFEST_PATH], user: KIOSK_USER, installedAt: new Date().toISOString() };
  writeFileSync(under(o.root, MANIFEST_PATH), JSON.stringify(manifest, null, 2) + '\n');

  if (!live) return;
  if (existsSync('/run/udev/control')) {
    run('udevadm', ['control', '--reload'], o.say);
    run('udevadm', ['trigger'], o.say);
  }
  if (systemdRunning()) {
    run('systemctl', ['daemon-reload'], o.say);
    run('systemctl', ['restart', 'systemd-journald'], o.say);
    run('systemctl', ['enable', '--now', RUNTIME_UNIT, BROWSER_UNIT], o.say);
    o.say(`  ${RUNTIME_UNIT} and ${BROWSER_UNIT} enabled and started`);
  } else {
    o.say('  systemd is not running on this machine (not PID 1): the units are installed, nothing was started');
  }
}

/** Removes one user's lines from passwd-style files under a root that is not the running system. */
function removeUserLines(root: string, user: string): void {
  for (const file of ['/etc/passwd', '/etc/shadow', '/etc/group', '/etc/gshadow']) {
    const path = under(root, file);
    if (!existsSync(path)) continue;
    const lines = readFileSync(path, 'utf8').split('\n');
    const kept = lines
      .filter((l) => !l.startsWith(`${user}:`))
      .map((l) => {
        if (file !== '/etc/group' && file !== '/etc/gshadow') return l;
        const parts = l.split(':');
        const last = parts.length - 1;
        if (last < 3) return l;
        parts[last] = (parts[last] ?? '').split(',').filter((m) => m !== '' && m !== user).join(',');
        return parts.join(':');
      });
    writeFileSync(path, kept.join('\n'));
  }
}

export function uninstall(root: string, say: (line: string) => void): boolean {
  const manifestPath = under(root, MANIFEST_PATH);
  if (!existsSync(manifestPath)) {
    say(`  nothing to remove: ${MANIFEST_PATH} is not there (the kiosk is not installed under ${root})`);
    return false;
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  const live = root === '/';
  if (live && systemdRunning()) run('systemctl', ['disable', '--now', RUNTIME_UNIT, BROWSER_UNIT], say);
  for (const file of manifest.files) {
    rmSync(under(root, file), { force: true });
    say(`  removed ${file}`);
  }
  for (const dir of ['/etc/station-kiosk', '/etc/chromium/policies/managed', '/etc/systemd/journald.conf.d']) {
    try {
      rmdirSync(under(root, dir));
    } catch {
      // not empty, or not there: left as it is
    }
  }
  if (live) run('userdel', [manifest.user], say);
  else removeUserLines(root, manifest.user);
  say(`  system user "${manifest.user}" removed`);
  if (live && systemdRunning()) {
    run('systemctl', ['daemon-reload'], say);
    run('systemctl', ['restart', 'systemd-journald'], say);
  }
  if (live && existsSync('/run/udev/control')) run('udevadm', ['control', '--reload'], say);
  return true;
}
