/**
 * `kiosk update FILE`: installs a release artifact (scripts/release.ts) beside the running one
 * and switches to it atomically; if the new release does not report healthy in time, switches
 * back by itself.
 *
 * Layout (under `appsDir`, `/opt/station-kiosk` on a station):
 *   releases/<id>/   one folder per release, as unpacked
 *   current          symlink to the running release; the services run `current/...`
 * The switch is a new symlink renamed over `current` (rename(2) is atomic), then a restart of
 * the services. "Healthy" is the runtime's own report: `kiosk start` writes `health.json` in
 * its data folder once it serves, naming its release; the updater waits for a report from the
 * new release written after the switch.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface HealthReport {
  /** The release id (`RELEASE`), or null when running from a checkout. */
  readonly release: string | null;
  readonly version: string;
  readonly pid: number;
  /** When the runtime started serving. */
  readonly at: string;
}

/** Written by the runtime once it serves (tmp + rename). */
export function writeHealthReport(file: string, report: HealthReport): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(report) + '\n');
  renameSync(tmp, file);
}

export function readHealthReport(file: string): HealthReport | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as HealthReport;
  } catch {
    return null;
  }
}

export const RELEASE_ID = /^[0-9A-Za-z][0-9A-Za-z._+-]{0,63}$/;

export interface UpdateOptions {
  readonly artifact: string;
  readonly appsDir: string;
  readonly healthFile: string;
  readonly healthTimeoutMs: number;
  /** Restarts the services (they then run whatever `current` points at). */
  readonly restart: () => Promise<void>;
  readonly say: (line: string) => void;
  /** How many releases to keep besides the running one. */
  readonly keep?: number;
}

export type UpdateOutcome =
  | { readonly kind: 'updated'; readonly release: string; readonly previous: string | null }
  | { readonly kind: 'rolled-back'; readonly release: string; readonly previous: string; readonly reason: string }
  | { readonly kind: 'refused'; readonly reason: string };

function exec(command: string, args: readonly string[], timeoutMs = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

export function currentRelease(appsDir: string): string | null {
  try {
    return basename(readlinkSync(join(appsDir, 'current')));
  } catch {
    return null;
  }
}

/** Points `current` at `releases/<id>` in one rename. */
export function switchTo(appsDir: string, id: string): void {
  const tmp = join(appsDir, `current.${process.pid}.new`);
  rmSync(tmp, { force: true });
  symlinkSync(join('releases', id), tmp);
  renameSync(tmp, join(appsDir, 'current'));
}

/** The Node a release runs on: its own pinned Node when it carries one. */
export function releaseNode(dir: string): string {
  const pin = existsSync(join(dir, '.node-version')) ? readFileSync(join(dir, '.node-version'), 'utf8').trim() : null;
  const own = pin ? join(dir, '.runtime', `node-${pin}`, 'bin', 'node') : null;
  return own && existsSync(own) ? own : process.execPath;
}

async function waitHealthy(file: string, id: string, since: number, timeoutMs: number): Promise<HealthReport | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const r = readHealthReport(file);
    if (r && r.release === id && Date.parse(r.at) >= since) return r;
    await new Promise((res) => setTimeout(res, 250));
  }
  return null;
}

function prune(appsDir: string, keep: number, running: string, previous: string | null): void {
  const dir = join(appsDir, 'releases');
  const others = readdirSync(dir)
    .filter((n) => n !== running && n !== previous && !n.endsWith('.partial'))
    .map((n) => ({ n, t: statSync(join(dir, n)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const { n } of others.slice(Math.max(0, keep - 1))) rmSync(join(dir, n), { recursive: true, force: true });
}

export async function update(o: UpdateOptions): Promise<UpdateOutcome> {
  const say = o.say;
  const listing = await exec('tar', ['xzf', o.artifact, '-O', './RELEASE']);
  const id = listing.stdout.trim();
  if (listing.code !== 0 || !RELEASE_ID.test(id)) return { kind: 'refused', reason: `${o.artifact} is not a kiosk release (no RELEASE inside)` };
  const previous = currentRelease(o.appsDir);
  if (previous === id) return { kind: 'refused', reason: `release ${id} is already the running one` };

  const releases = join(o.appsDir, 'releases');
  const target = join(releases, id);
  const partial = `${target}.partial`;
  mkdirSync(releases, { recursive: true });
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial);
  say(`unpacking ${id}`);
  const unpacked = await exec('tar', ['xzf', o.artifact, '-C', partial]);
  if (unpacked.code !== 0 || !existsSync(join(partial, 'dist/app/kiosk/cli.js')) || !existsSync(join(partial, 'package.json'))) {
    rmSync(partial, { recursive: true, force: true });
    return { kind: 'refused', reason: `${o.artifact} did not unpack to a kiosk release: ${unpacked.stderr.trim() || 'dist/app/kiosk/cli.js missing'}` };
  }
  // Before the switch: the new release must load on its Node, native addons included.
  const check = await exec(releaseNode(partial), [join(partial, 'dist/app/kiosk/cli.js'), 'version', '--json']);
  if (check.code !== 0) {
    rmSync(partial, { recursive: true, force: true });
    return { kind: 'refused', reason: `release ${id} does not load: ${(check.stdout + check.stderr).trim().split('\n').slice(-3).join(' ')}` };
  }
  rmSync(target, { recursive: true, force: true });
  renameSync(partial, target);

  const since = Date.now();
  switchTo(o.appsDir, id);
  say(`switched to ${id}${previous ? ` (was ${previous})` : ''}; restarting`);
  await o.restart();
  const healthy = await waitHealthy(o.healthFile, id, since, o.healthTimeoutMs);
  if (healthy) {
    say(`${id} reports healthy (pid ${healthy.pid})`);
    prune(o.appsDir, o.keep ?? 2, id, previous);
    return { kind: 'updated', release: id, previous };
  }
  const reason = `release ${id} did not report healthy within ${Math.round(o.healthTimeoutMs / 1000)} s`;
  if (!previous) return { kind: 'refused', reason: `${reason}, and there is no earlier release to go back to` };
  say(`${reason}: rolling back to ${previous}`);
  const back = Date.now();
  switchTo(o.appsDir, previous);
  writeFileSync(join(target, 'FAILED'), `${new Date().toISOString()} ${reason}\n`);
  await o.restart();
  const again = await waitHealthy(o.healthFile, previous, back, o.healthTimeoutMs);
  say(again ? `${previous} reports healthy again (pid ${again.pid})` : `${previous} has not reported healthy yet either`);
  return { kind: 'rolled-back', release: id, previous, reason };
}
