import type { MaintenancePorts, MaintenanceSessionRef } from '../flows/maintenance-ports.js';
import type { TechnicianAuthenticator, TechnicianSession } from './auth/technician-auth.js';
import type { ApduTransmit } from './auth/technician-card.js';
import type { MaintenanceService } from './maintenance-service.js';

/** The card now on the reader, as the runtime exposes it for the technician challenge. */
export interface CardInField {
  readonly transmit: ApduTransmit;
  /** Hex UID from the reader (`FF CA 00 00 00`), for the audit only; null when unknown. */
  readonly uid: string | null;
}

export interface MaintenancePortsDeps {
  readonly auth: TechnicianAuthenticator;
  readonly service: MaintenanceService;
  /** null when no card is in the field. */
  readonly cardInField: () => CardInField | null;
}

/** The maintenance flow's effects over the technician authenticator and the `MaintenanceService`. */
export function maintenancePorts(deps: MaintenancePortsDeps): MaintenancePorts {
  const sessions = new Map<string, TechnicianSession>();
  const sessionOf = (ref: MaintenanceSessionRef): TechnicianSession => {
    const s = sessions.get(ref.sessionId);
    if (!s) throw new Error('not in a maintenance session');
    return s;
  };
  return {
    async verifyCard() {
      const card = deps.cardInField();
      if (!card) return { ok: false, error: { code: 'card-error' } };
      return deps.auth.presentCard(card.transmit, card.uid);
    },
    async checkPin({ token, pin }) {
      const card = deps.cardInField();
      if (!card) return { ok: false, error: { code: 'no-card-session' } };
      const r = await deps.auth.enterPin(token, pin, card.transmit);
      if (!r.ok) return r;
      sessions.set(r.value.sessionId, r.value);
      return { ok: true, value: { sessionId: r.value.sessionId, technicianId: r.value.technicianId, name: r.value.name } };
    },
    collectStatus: () => deps.service.collect(),
    runSelfTest: ({ session, test }) => deps.service.runSelfTest(sessionOf(session), test),
    outboxAction: ({ session, action, seq }) => deps.service.outboxAction(sessionOf(session), action, seq),
    setInService: ({ session, inService }) => deps.service.setInService(sessionOf(session), inService),
    async exit({ session, reason }) {
      const s = sessions.get(session.sessionId);
      if (!s) return;
      sessions.delete(session.sessionId);
      await deps.auth.exit(s, reason);
    },
  };
}

/** `MaintenanceServiceDeps.recordAction` through the authenticator (which refuses actions outside a live session). */
export function recordActionWith(auth: TechnicianAuthenticator) {
  return (actor: { sessionId: string; technicianId: string }, action: string, detail: string | null): Promise<unknown> =>
    auth.recordAction({ sessionId: actor.sessionId, technicianId: actor.technicianId, name: '', startedAt: '' }, action, detail);
}
