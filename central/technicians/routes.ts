import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import type { TechnicianCredential } from '../../shared/sync.js';
import type { ApiContext, Handlers } from '../api/context.js';
import { ApiFailure } from '../api/errors.js';

export type TechnicianOperation = 'listTechnicians' | 'putTechnician' | 'revokeTechnician';

export interface TechnicianInput {
  readonly name: string;
  /** The card's public key, SubjectPublicKeyInfo PEM (`sim technician-card` writes one). */
  readonly publicKeyPem: string;
}

/** Why a key is not one central enrols. */
export class TechnicianKeyError extends Error {
  override readonly name = 'TechnicianKeyError';
}

/**
 * Parses an enrolment key: an ECDSA P-256 public key in PEM. A private key is refused (it must
 * never leave the card), and so is any other kind of key. Returns the canonical PEM and the key id.
 */
export function parseTechnicianPublicKey(pem: string): { publicKeyPem: string; keyId: string } {
  if (/PRIVATE KEY/.test(pem)) throw new TechnicianKeyError('this is a private key: give the card\'s public key; the private key never leaves the card');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw new TechnicianKeyError('not a public key in PEM');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new TechnicianKeyError('the key must be ECDSA P-256 (prime256v1)');
  }
  const der = key.export({ type: 'spki', format: 'der' });
  return { publicKeyPem: key.export({ type: 'spki', format: 'pem' }).toString(), keyId: createHash('sha256').update(der).digest('hex') };
}

/** What kiosks receive about an enrolled technician: name, public key, not revoked. */
export function technicianCredential(technicianId: string, input: TechnicianInput, updatedAt: string): { credential: TechnicianCredential; keyId: string } {
  const key = parseTechnicianPublicKey(input.publicKeyPem);
  return { credential: { technicianId, name: input.name, publicKeyPem: key.publicKeyPem, revokedAt: null, updatedAt }, keyId: key.keyId };
}

/** Staff endpoints for technicians: list, enrol by public key, revoke. */
export function technicianHandlers(ctx: ApiContext): Handlers<TechnicianOperation> {
  return {
    listTechnicians: async () => ({ technicians: await ctx.storage.listTechnicians() }),
    putTechnician: async (request) => {
      const { technicianId } = request.params as { technicianId: string };
      const input = request.body as TechnicianInput;
      let enrolled: ReturnType<typeof technicianCredential>;
      try {
        enrolled = technicianCredential(technicianId, input, ctx.now().toISOString());
      } catch (e) {
        if (e instanceof TechnicianKeyError) throw new ApiFailure(400, 'invalid-request', e.message);
        throw e;
      }
      await ctx.storage.putTechnician(enrolled.credential, enrolled.keyId);
      const { credential } = enrolled;
      return { technicianId, name: credential.name, keyId: enrolled.keyId, revokedAt: null, updatedAt: credential.updatedAt };
    },
    revokeTechnician: async (request) => {
      const { technicianId } = request.params as { technicianId: string };
      const info = await ctx.storage.revokeTechnician(technicianId, ctx.now().toISOString());
      if (!info) throw new ApiFailure(404, 'not-found', `no technician ${technicianId}`);
      return info;
    },
  };
}
