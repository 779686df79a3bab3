import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { CentralStorage, KioskRecord } from '../storage/types.js';
import { personOf } from '../accounts/guard.js';
import type { Capability, Role } from '../accounts/roles.js';
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

/** What a staff route may require of the person's role (central/accounts/roles.ts). */
export type StaffCapability = Capability;

/** Who a staff request was made by: the person's user name (written into audit rows) and role. */
export interface StaffPrincipal {
  readonly name: string;
  readonly role: Role;
}

/** The person `requireStaff` found for this request (central/accounts/guard.ts). */
export function staffPrincipal(request: FastifyRequest): StaffPrincipal {
  const who = personOf(request);
  if (!who) throw new Error('staffPrincipal: the request was not authenticated as staff');
  return { name: who.username, role: who.role };
}
