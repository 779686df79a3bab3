/**
 * What can be done to an account, the same from the command line (`central account …`) and the
 * administrator's page: each checks its input and says plainly what is wrong; nothing is stored then.
 */
import { randomBytes } from 'node:crypto';
import { uuidv7 } from '../../shared/ids.js';
import type { CentralStorage } from '../storage/types.js';
import { sha256 } from './guard.js';
import { hashPassword, passwordProblem } from './password.js';
import { isRole, ROLE_WORDS, type Role } from './roles.js';
import type { Account } from './store.js';
import { withoutSecret } from './store.js';

export class AccountProblem extends Error {
  constructor(
    readonly code: 'invalid-account' | 'account-exists' | 'no-such-account' | 'weak-password' | 'last-administrator',
    message: string,
  ) {
    super(message);
    this.name = 'AccountProblem';
  }
}

export const USERNAME_PATTERN = '^[a-z0-9][a-z0-9._-]{1,31}$';
export const STATION_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$';
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export function checkUsername(username: string): void {
  if (!new RegExp(USERNAME_PATTERN).test(username)) throw new AccountProblem('invalid-account', 'a user name is 2–32 of a–z, 0–9, “.”, “_”, “-”, starting with a letter or digit');
}

function checkDisplayName(name: string): void {
  const length = [...name.trim()].length;
  if (length < 1 || length > 60 || CONTROL.test(name)) throw new AccountProblem('invalid-account', 'a name is 1–60 characters without control characters');
}

function checkRoleStation(role: unknown, stationId: string | null): asserts role is Role {
  if (!isRole(role)) throw new AccountProblem('invalid-account', 'the role is one of administrator, supervisor, agent, station-staff');
  if (role === 'station-staff' && stationId === null) throw new AccountProblem('invalid-account', 'station staff belong to a station: give its station id');
  if (stationId !== null && !new RegExp(STATION_ID_PATTERN).test(stationId)) throw new AccountProblem('invalid-account', 'a station id is 1–64 letters, digits, “_”, “-”');
}

function checkPassword(password: string): void {
  const problem = passwordProblem(password);
  if (problem !== null) throw new AccountProblem('weak-password', problem);
}

export interface NewAccountInput {
  readonly username: string;
  readonly displayName?: string;
  readonly role: string;
  readonly stationId?: string | null;
  readonly password: string;
}

export async function addAccount(storage: CentralStorage, input: NewAccountInput, at: Date): Promise<Account> {
  checkUsername(input.username);
  const displayName = (input.displayName ?? input.username).trim();
  checkDisplayName(displayName);
  const stationId = input.stationId ?? null;
  checkRoleStation(input.role, stationId);
  checkPassword(input.password);
  const id = uuidv7(at.getTime());
  const added = await storage.accounts.add({ id, username: input.username, displayName, role: input.role, stationId: input.role === 'station-staff' ? stationId : null, passwordHash: await hashPassword(input.password) }, at.toISOString());
  if (!added) throw new AccountProblem('account-exists', `there is already an account ${input.username}`);
  const account = await storage.accounts.byId(id);
  if (!account) throw new Error(`account ${input.username} vanished after it was added`);
  return withoutSecret(account);
}

async function existing(storage: CentralStorage, username: string): Promise<Account> {
  const a = await storage.accounts.byUsername(username);
  if (!a) throw new AccountProblem('no-such-account', `there is no account ${username}`);
  return withoutSecret(a);
}

/** Refuses to leave central without an enabled administrator. */
async function keepAnAdministrator(storage: CentralStorage, leaving: Account): Promise<void> {
  if (leaving.role !== 'administrator' || leaving.disabledAt !== null) return;
  const others = (await storage.accounts.list()).filter((a) => a.role === 'administrator' && a.disabledAt === null && a.id !== leaving.id);
  if (others.length === 0) throw new AccountProblem('last-administrator', `${leaving.username} is the last enabled administrator; add another first`);
}

/** Disables an account: its sessions end and its API tokens are revoked at once, on every instance. */
export async function disableAccount(storage: CentralStorage, username: string, at: Date): Promise<Account> {
  const a = await existing(storage, username);
  await keepAnAdministrator(storage, a);
  await storage.accounts.change(a.id, { disabledAt: a.disabledAt ?? at.toISOString() }, at.toISOString());
  return existing(storage, username);
}

export async function enableAccount(storage: CentralStorage, username: string, at: Date): Promise<Account> {
  const a = await existing(storage, username);
  await storage.accounts.change(a.id, { disabledAt: null }, at.toISOString());
  return existing(storage, username);
}

/** A new password: the old sessions end, a lock is lifted. */
export async function resetPassword(storage: CentralStorage, username: string, password: string, at: Date): Promise<Account> {
  const a = await existing(storage, username);
  checkPassword(password);
  await storage.accounts.change(a.id, { passwordHash: await hashPassword(password) }, at.toISOString());
  return existing(storage, username);
}

/** Another role (and station): the person's sessions end so that the new role holds at once. */
export async function changeRole(storage: CentralStorage, username: string, role: string, stationId: string | null, at: Date): Promise<Account> {
  const a = await existing(storage, username);
  checkRoleStation(role, stationId);
  if (role !== 'administrator') await keepAnAdministrator(storage, a);
  await storage.accounts.change(a.id, { role, stationId: role === 'station-staff' ? stationId : null }, at.toISOString());
  return existing(storage, username);
}

/** A personal API token for a central system or script acting as this person; returned once, stored as its hash. */
export async function issueToken(storage: CentralStorage, username: string, label: string, at: Date, token = randomBytes(32).toString('base64url')): Promise<string> {
  const a = await existing(storage, username);
  if (a.disabledAt !== null) throw new AccountProblem('invalid-account', `${username} is disabled`);
  if (token.length < 16 || !/^[\x21-\x7E]+$/.test(token)) throw new AccountProblem('invalid-account', 'an API token is at least 16 printable characters');
  if (!(await storage.accounts.addToken(a.id, sha256(token), label, at.toISOString()))) {
    // Two instances starting with the same configured token both add it: the second finds it there.
    const holder = await storage.accounts.byToken(sha256(token));
    if (holder?.id !== a.id) throw new AccountProblem('invalid-account', 'this API token is already in use; choose another');
  }
  return token;
}

export const roleText = (role: Role): string => `${ROLE_WORDS[role].zh} ${ROLE_WORDS[role].en}`;
