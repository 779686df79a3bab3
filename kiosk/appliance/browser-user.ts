/**
 * Who runs the kiosk's Chromium. Chromium refuses to run as root unless its sandbox is turned
 * off, and the kiosk never turns it off: started as root, the runtime starts the browser as an
 * unprivileged user instead, or says why it cannot.
 */
import { execFileSync } from 'node:child_process';

export interface SystemUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

export type BrowserUserChoice =
  | { readonly kind: 'self' }
  | { readonly kind: 'user'; readonly user: SystemUser; readonly why: string }
  | { readonly kind: 'refused'; readonly reason: string };

/** The account `kiosk install` creates. */
export const KIOSK_USER = 'kiosk';

export function lookupUser(name: string): SystemUser | null {
  try {
    const line = execFileSync('getent', ['passwd', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const [user, , uid, gid] = line.split(':');
    if (!user || uid === undefined || gid === undefined) return null;
    return { name: user, uid: Number(uid), gid: Number(gid) };
  } catch {
    return null;
  }
}

export interface BrowserUserQuery {
  /** `--browser-user NAME`; null: choose. */
  readonly requested: string | null;
  readonly uid: number;
  readonly env: NodeJS.ProcessEnv;
  readonly lookup?: (name: string) => SystemUser | null;
}

/**
 * Not root: the browser runs as this process's user (asking for another one is refused).
 * Root: the requested user, else `kiosk`, else the user who ran sudo, else `nobody`; never root.
 */
export function chooseBrowserUser(q: BrowserUserQuery): BrowserUserChoice {
  const lookup = q.lookup ?? lookupUser;
  if (q.uid !== 0) {
    if (q.requested === null) return { kind: 'self' };
    const user = lookup(q.requested);
    if (user?.uid === q.uid) return { kind: 'self' };
    return { kind: 'refused', reason: `only root can start the browser as another user ("${q.requested}"); this process runs as uid ${q.uid}` };
  }
  if (q.requested !== null) {
    const user = lookup(q.requested);
    if (!user) return { kind: 'refused', reason: `there is no user "${q.requested}" to run the browser as` };
    if (user.uid === 0) return { kind: 'refused', reason: `"${q.requested}" is root: Chromium runs as root only without its sandbox, and the kiosk never turns the sandbox off` };
    return { kind: 'user', user, why: 'as asked (--browser-user)' };
  }
  const kiosk = lookup(KIOSK_USER);
  if (kiosk && kiosk.uid !== 0) return { kind: 'user', user: kiosk, why: 'the kiosk system user' };
  const sudoer = q.env['SUDO_USER'];
  if (sudoer) {
    const user = lookup(sudoer);
    if (user && user.uid !== 0) return { kind: 'user', user, why: 'the user who ran sudo' };
  }
  const nobody = lookup('nobody');
  if (nobody && nobody.uid !== 0) return { kind: 'user', user: nobody, why: `no "${KIOSK_USER}" user (kiosk install creates it), so the unprivileged "nobody"` };
  return {
    kind: 'refused',
    reason: `running as root, and no unprivileged user to start the browser as: Chromium needs its sandbox off to run as root, which the kiosk never does. Run "kiosk install" (creates the "${KIOSK_USER}" user) or pass --browser-user NAME`,
  };
}
