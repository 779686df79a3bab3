import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { CentralStorage, KioskRecord } from '../storage/types.js';
import { ApiFailure } from './errors.js';

/** SHA-256 of a bearer token, hex: what central stores instead of the token. */
export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export function sameHash(aHex: string, bHex: string): boolean {
  const a = Buffer.from(aHex, 'hex');
  const b = Buffer.from(bHex, 'hex');
  return a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
}

export function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const m = typeof header === 'string' ? /^Bearer ([\x21-\x7E]{1,512})$/.exec(header) : null;
  if (!m?.[1]) throw new ApiFailure(401, 'missing-token', 'send Authorization: Bearer <token>');
  return m[1];
}

const authenticated = new WeakMap<FastifyRequest, KioskRecord>();

/** The kiosk record `authenticateKiosk` found for this request (no second lookup while the handler runs). */
export function authenticatedKiosk(request: FastifyRequest): KioskRecord {
  const kiosk = authenticated.get(request);
  if (!kiosk) throw new Error('authenticatedKiosk: the request was not authenticated as a kiosk');
  return kiosk;
}

/**
 * The kiosk a request may act as: the token must be the one of the kiosk named in the path.
 * A token of another kiosk gets 403; an unknown kiosk and a wrong token both get the same 401.
 */
export async function authenticateKiosk(storage: CentralStorage, request: FastifyRequest, kioskId: string): Promise<KioskRecord> {
  const hash = hashToken(bearerToken(request));
  const kiosk = await storage.getKiosk(kioskId);
  if (kiosk && sameHash(hash, kiosk.tokenHash)) {
    authenticated.set(request, kiosk);
    return kiosk;
  }
  const holder = await storage.findKioskByTokenHash(hash);
  if (holder) throw new ApiFailure(403, 'wrong-kiosk', `this token belongs to another kiosk and may not act as ${kioskId}`);
  // An unknown kiosk and a wrong token answer alike, so that nobody learns which kiosk ids exist.
  throw new ApiFailure(401, 'invalid-token', 'unknown kiosk or token');
}

/**
 * Staff roles until there are personal accounts: each configured staff token carries one.
 * `staff` sees card numbers masked; `supervisor` and `administrator` may also reveal a ticket's
 * full card number (each reveal is audited) and read the reveal audit.
 */
export const STAFF_ROLES = ['agent', 'staff', 'supervisor', 'administrator'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const STAFF_CAPABILITIES = ['reveal-card-number', 'read-card-reveals', 'set-ticket-targets'] as const;
export type StaffCapability = (typeof STAFF_CAPABILITIES)[number];

export const ROLE_CAPABILITIES: Readonly<Record<StaffRole, readonly StaffCapability[]>> = {
  // An agent's token (calls.json) reaches only the operations marked for agents (tickets, missed calls, FAQ).
  agent: [],
  staff: [],
  supervisor: ['reveal-card-number', 'read-card-reveals', 'set-ticket-targets'],
  administrator: ['reveal-card-number', 'read-card-reveals', 'set-ticket-targets'],
};

/** A configured staff token: who it is (written into audit rows) and its role. */
export interface StaffCredential {
  readonly name: string;
  readonly token: string;
  readonly role: StaffRole;
}

/** Who a staff request was made by. */
export interface StaffPrincipal {
  readonly name: string;
  readonly role: StaffRole;
}

export interface StaffTokenTable {
  readonly entries: readonly (StaffPrincipal & { readonly tokenHash: string })[];
}

export function staffTokenTable(credentials: readonly StaffCredential[]): StaffTokenTable {
  const seen = new Set<string>();
  const entries = credentials.map((c) => {
    const tokenHash = hashToken(c.token);
    if (seen.has(tokenHash)) throw new Error(`staff credential ${c.name}: its token is already used by another staff credential`);
    seen.add(tokenHash);
    return { name: c.name, role: c.role, tokenHash };
  });
  return { entries };
}

const staffOf = new WeakMap<FastifyRequest, StaffPrincipal>();

/** The staff member `authenticateStaff` found for this request. */
export function staffPrincipal(request: FastifyRequest): StaffPrincipal {
  const who = staffOf.get(request);
  if (!who) throw new Error('staffPrincipal: the request was not authenticated as staff');
  return who;
}

/** The configured staff token the request carries (every entry compared, in constant time each); 401 otherwise, 403 without the capability. */
export function authenticateStaff(table: StaffTokenTable, request: FastifyRequest, capability?: StaffCapability): StaffPrincipal {
  const hash = hashToken(bearerToken(request));
  let found: StaffPrincipal | null = null;
  for (const e of table.entries) if (sameHash(hash, e.tokenHash)) found = { name: e.name, role: e.role };
  if (found === null) throw new ApiFailure(401, 'invalid-staff-token', 'a staff token is required');
  if (capability !== undefined && !ROLE_CAPABILITIES[found.role].includes(capability)) {
    throw new ApiFailure(403, 'forbidden-for-role', `the ${found.role} role may not do this (${capability} is for supervisors and administrators)`);
  }
  staffOf.set(request, found);
  return found;
}
