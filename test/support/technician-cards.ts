import { newTechnicianCard } from '../../hardware-sim/card-images/technician-card.js';
import { CardEngine, type CardImage } from '../../hardware-sim/virtual-card/index.js';
import type { TechnicianRecord } from '../../kiosk/maintenance/auth/technician-auth.js';
import type { ApduTransmit } from '../../kiosk/maintenance/auth/technician-card.js';

/** A fresh simulated technician card (its own key pair, PIN counter at its start) and what central would enrol. */
export function freshTechnicianCard(options: { technicianId?: string; pin?: string; pinTries?: number; name?: string } = {}): {
  image: CardImage;
  publicKeyPem: string;
  record: (over?: Partial<TechnicianRecord>) => TechnicianRecord;
} {
  const technicianId = options.technicianId ?? 'GZ-T-0042';
  const card = newTechnicianCard({ technicianId, pin: options.pin ?? '482913', ...(options.pinTries !== undefined ? { pinTries: options.pinTries } : {}), ...(options.name !== undefined ? { name: options.name } : {}) });
  return {
    image: card.image,
    publicKeyPem: card.publicKeyPem,
    record: (over = {}) => ({ technicianId, name: options.name ?? '李工', publicKeyPem: card.publicKeyPem, revoked: false, ...over }),
  };
}

/** The card engine of `image` behind an `ApduTransmit`, with every command and answer logged as hex. */
export function engineTransmit(image: CardImage, engine: CardEngine = new CardEngine(image)): { transmit: ApduTransmit; log: string[]; answers: string[]; engine: CardEngine } {
  const log: string[] = [];
  const answers: string[] = [];
  return {
    log,
    answers,
    engine,
    transmit: async (apdu) => {
      log.push(apdu.toString('hex'));
      await new Promise((r) => setImmediate(r));
      const answer = Buffer.from(engine.transmit(apdu));
      answers.push(answer.toString('hex'));
      return answer;
    },
  };
}
