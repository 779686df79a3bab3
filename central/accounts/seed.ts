/**
 * Accounts central creates at start: the published demo accounts (`--demo` only) and the
 * deprecated token aliases (`--staff-token`, `--supervisor-token`, the `staffToken` option),
 * each of which is a named account whose personal API token is the configured token.
 */
import { uuidv7 } from '../../shared/ids.js';
import type { CentralStorage } from '../storage/types.js';
import { sha256 } from './guard.js';
import type { DemoLogin } from './routes.js';
import type { Role } from './roles.js';
import { AccountProblem, addAccount, issueToken } from './service.js';

export interface AccountSeed {
  readonly username: string;
  readonly role: Role;
  readonly displayName?: string;
  readonly stationId?: string;
  /** Set when the account is created (a kept account keeps its password). */
  readonly password?: string;
  /** A personal API token the account gets (added when not there yet). */
  readonly apiToken?: string;
}

/** The demo's station: Tiyu Xilu in Guangzhou, where config/demo.json's kiosk stands (named by central/seed/demo-stations.ts). */
export const DEMO_STATION_ID = 'GZ-L3-TYXL';

/** The demo's people; their passwords are published (README, the login page in demo mode). */
export const DEMO_ACCOUNTS: readonly (AccountSeed & DemoLogin)[] = [
  { username: 'demo-admin', displayName: '演示管理员 Demo administrator', role: 'administrator', password: 'demo-admin-password' },
  { username: 'demo-supervisor', displayName: '演示主管 Demo supervisor', role: 'supervisor', password: 'demo-supervisor-password' },
  { username: 'demo-agent', displayName: '演示客服 Demo agent', role: 'agent', password: 'demo-agent-password' },
  { username: 'demo-staff', displayName: '演示站务 Demo station staff', role: 'station-staff', stationId: DEMO_STATION_ID, password: 'demo-staff-password' },
];

/** Creates the accounts that are missing and adds the API tokens not yet held; returns how many accounts were created. */
export async function seedAccounts(storage: CentralStorage, seeds: readonly AccountSeed[], now: Date): Promise<number> {
  let created = 0;
  for (const s of seeds) {
    // Another instance starting at the same moment may add the same account: `add` then keeps theirs.
    if (!(await storage.accounts.byUsername(s.username))) {
      // An alias account without a password cannot log in on a page: only its token works.
      const password = s.password ?? null;
      if (password !== null) {
        await addAccount(storage, { username: s.username, role: s.role, displayName: s.displayName ?? s.username, stationId: s.stationId ?? null, password }, now).catch((e: unknown) => {
          if (!(e instanceof AccountProblem && e.code === 'account-exists')) throw e;
        });
      } else {
        await storage.accounts.add({ id: uuidv7(now.getTime()), username: s.username, displayName: s.displayName ?? s.username, role: s.role, stationId: s.stationId ?? null, passwordHash: null }, now.toISOString());
      }
      created++;
    }
    if (s.apiToken !== undefined) {
      const holder = await storage.accounts.byToken(sha256(s.apiToken));
      if (holder && holder.username !== s.username) throw new Error(`the token given for ${s.username} is already ${holder.username}'s`);
      if (!holder) await issueToken(storage, s.username, 'configured at start', now, s.apiToken);
    }
  }
  return created;
}
