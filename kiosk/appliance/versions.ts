/**
 * What `kiosk version` reports: the kiosk's own version, the Node it runs on, each native addon
 * (package version, how it binds to Node, whether it loads on this Node), and pcscd.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { APP_ROOT, COMPILED } from './app-layout.js';

/** How an addon binds to Node, which decides what a Node upgrade does to it. */
export type AddonBinding = 'nan' | 'node-api';

export interface AddonReport {
  readonly name: string;
  /** What the kiosk uses it for. */
  readonly role: string;
  readonly binding: AddonBinding;
  /** The installed package's version, or null when it is not installed. */
  readonly version: string | null;
  /** The library it wraps, when the addon says (`sqlite 3.52.0`, `hidapi 0.14.0`). */
  readonly library: string | null;
  readonly loads: boolean;
  /** Why it did not load, one line. */
  readonly error: string | null;
}

export interface PcscdReport {
  readonly version: string | null;
  /** Its socket accepts a connection. */
  readonly running: boolean;
}

export interface VersionReport {
  readonly kiosk: { readonly version: string; readonly compiled: boolean; readonly release: string | null };
  readonly node: { readonly version: string; readonly abi: string; readonly napi: string; readonly pinned: string | null };
  readonly addons: readonly AddonReport[];
  readonly pcscd: PcscdReport;
}

export const PCSCD_SOCKET = '/run/pcscd/pcscd.comm';

interface AddonSpec {
  readonly name: string;
  readonly role: string;
  readonly binding: AddonBinding;
  /** Loads the native part and returns the wrapped library's version when it has one. */
  readonly load: (req: NodeRequire) => string | null;
}

const ADDONS: readonly AddonSpec[] = [
  {
    name: '@pokusew/pcsclite',
    role: 'PC/SC card readers (under nfc-pcsc)',
    binding: 'nan',
    load: (req) => {
      req('@pokusew/pcsclite');
      return null;
    },
  },
  {
    name: 'sqlite3',
    role: 'the kiosk store and outbox',
    binding: 'node-api',
    load: (req) => {
      const sqlite = req('sqlite3') as { VERSION?: string };
      return sqlite.VERSION ? `sqlite ${sqlite.VERSION}` : null;
    },
  },
  {
    name: 'node-hid',
    role: 'QR scanner and help buttons',
    binding: 'node-api',
    load: (req) => {
      const hid = req('node-hid') as { getHidapiVersion?: () => string };
      return hid.getHidapiVersion ? `hidapi ${hid.getHidapiVersion()}` : null;
    },
  },
  {
    name: '@serialport/bindings-cpp',
    role: 'receipt printer and cabinet controller',
    binding: 'node-api',
    load: (req) => {
      req('@serialport/bindings-cpp');
      return null;
    },
  },
];

function packageVersion(req: NodeRequire, name: string): string | null {
  try {
    const main = req.resolve(name);
    for (let dir = dirname(main); dirname(dir) !== dir; dir = dirname(dir)) {
      const file = join(dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name) return pkg.version ?? null;
    }
  } catch {
    // not installed
  }
  return null;
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
}

export function addonReports(root = APP_ROOT): AddonReport[] {
  const req = createRequire(join(root, 'package.json'));
  return ADDONS.map((spec) => {
    const version = packageVersion(req, spec.name);
    try {
      const library = spec.load(req);
      return { name: spec.name, role: spec.role, binding: spec.binding, version, library, loads: true, error: null };
    } catch (e) {
      return { name: spec.name, role: spec.role, binding: spec.binding, version, library: null, loads: false, error: firstLine(e) };
    }
  });
}

function socketAnswers(path: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function pcscdVersion(): Promise<string | null> {
  return new Promise((resolve) => {
    const candidates = ['/usr/sbin/pcscd', '/usr/local/sbin/pcscd', 'pcscd'];
    const path = candidates.find((p) => existsSync(p)) ?? 'pcscd';
    execFile(path, ['--version'], { timeout: 5000 }, (error, stdout) => {
      if (error && !stdout) return resolve(null);
      resolve(/pcsc-lite version (\d+(?:\.\d+)*)/.exec(stdout)?.[1] ?? null);
    });
  });
}

export async function pcscdReport(socket = PCSCD_SOCKET): Promise<PcscdReport> {
  const [version, running] = await Promise.all([pcscdVersion(), socketAnswers(socket)]);
  return { version, running };
}

function readOptional(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

export async function versionReport(root = APP_ROOT): Promise<VersionReport> {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const release = readOptional(join(root, 'RELEASE'));
  return {
    kiosk: { version: pkg.version, compiled: COMPILED, release },
    node: { version: process.version, abi: process.versions.modules, napi: process.versions.napi ?? '?', pinned: readOptional(join(root, '.node-version')) },
    addons: addonReports(root),
    pcscd: await pcscdReport(),
  };
}

/** The package version and the release id (`RELEASE`, null in a checkout). */
export function kioskRelease(root = APP_ROOT): { version: string; release: string | null } {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  return { version: pkg.version, release: readOptional(join(root, 'RELEASE')) };
}

/** `0.1.0`, or `0.1.0 (release 0.1.0-20261130.1)` when installed from a release. */
export function kioskVersionLabel(root = APP_ROOT): string {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const release = readOptional(join(root, 'RELEASE'));
  return release ? `${pkg.version} (release ${release})` : pkg.version;
}

/** The report as a person reads it. */
export function formatVersionReport(r: VersionReport): string {
  const lines = [
    `kiosk   ${r.kiosk.version}${r.kiosk.release ? ` (release ${r.kiosk.release})` : ''}, ${r.kiosk.compiled ? 'compiled JavaScript' : 'TypeScript sources through tsx'}`,
    `node    ${r.node.version} (ABI ${r.node.abi}, Node-API ${r.node.napi})${r.node.pinned && `v${r.node.pinned}` !== r.node.version ? `, but the project pins ${r.node.pinned}` : ''}`,
    'native addons:',
    ...r.addons.map(
      (a) =>
        `  ${a.name.padEnd(26)} ${(a.version ?? 'not installed').padEnd(8)} ${a.binding.padEnd(8)} ${a.loads ? 'loads' : `DOES NOT LOAD: ${a.error}`}${a.library ? `  (${a.library})` : ''}  — ${a.role}`,
    ),
    `pcscd   ${r.pcscd.version ?? 'not installed'}${r.pcscd.version ? (r.pcscd.running ? ', running' : ', not running') : ''}`,
  ];
  return lines.join('\n');
}
