import type { TechnicianCredential } from '../../shared/sync.js';
import type { ApiContext, Handlers } from '../api/context.js';
import { ApiFailure } from '../api/errors.js';
import { hashTechnicianPin, PIN_SCRYPT } from './pin-hash.js';

export type TechnicianOperation = 'listTechnicians' | 'putTechnician';

export interface TechnicianInput {
  readonly name: string;
  readonly active: boolean;
  readonly keyHex: string;
  readonly pin: string;
}

/** Builds the credential kiosks receive: the PIN is hashed here and never stored or sent. */
export async function technicianCredential(technicianId: string, input: TechnicianInput, updatedAt: string, scryptParams = PIN_SCRYPT): Promise<TechnicianCredential> {
  return { technicianId, name: input.name, active: input.active, keyHex: input.keyHex.toUpperCase(), pinHash: await hashTechnicianPin(input.pin, scryptParams), updatedAt };
}

/** Staff endpoints for technicians: list (no secrets) and add/replace (the PIN is hashed with scrypt). */
export function technicianHandlers(ctx: ApiContext): Handlers<TechnicianOperation> {
  return {
    listTechnicians: async () => ({ technicians: await ctx.storage.listTechnicians() }),
    putTechnician: async (request) => {
      const { technicianId } = request.params as { technicianId: string };
      const input = request.body as TechnicianInput;
      if (/^(\d)\1+$/.test(input.pin)) throw new ApiFailure(400, 'invalid-request', 'a PIN of one repeated digit is not allowed');
      const credential = await technicianCredential(technicianId, input, ctx.now().toISOString());
      await ctx.storage.putTechnician(credential);
      return { technicianId, name: credential.name, active: credential.active, updatedAt: credential.updatedAt };
    },
  };
}
