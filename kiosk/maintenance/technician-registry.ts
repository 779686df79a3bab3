import type { TechnicianCredential } from '../../shared/sync.js';
import type { TechnicianRecord, TechnicianRegistry } from './auth/technician-auth.js';

/** Where the kiosk store keeps the technicians its down-sync received (`store.caches`). */
export interface TechnicianSource {
  technician(technicianId: string): Promise<TechnicianCredential | null>;
}

/**
 * The authenticator's `TechnicianRegistry` over the kiosk store: the sync worker asks for
 * `technician` changes with the rest of the feed and applies them with the same cursor. The
 * store holds each technician's public key and whether it is revoked: nothing secret.
 * `new StoreTechnicianRegistry(store.caches)`.
 */
export class StoreTechnicianRegistry implements TechnicianRegistry {
  constructor(private readonly source: TechnicianSource) {}

  async lookup(technicianId: string): Promise<TechnicianRecord | null> {
    const t = await this.source.technician(technicianId);
    return t ? { technicianId: t.technicianId, name: t.name, publicKeyPem: t.publicKeyPem, revoked: t.revokedAt !== null } : null;
  }
}
