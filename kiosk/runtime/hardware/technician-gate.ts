import type { KioskEvent } from '../../flows/events.js';
import type { CardInField } from '../../maintenance/flow-ports.js';
import { SELECT_TECHNICIAN } from '../../maintenance/auth/technician-card.js';
import type { StampedCardEvent } from './card-reader-bridge.js';
import type { Logger } from '../logger.js';
import { toHex } from '../../../shared/bytes.js';

/**
 * APDUs to the card now in a reader's field, outside the passenger read (the PC/SC stack's
 * `transmit`). Rejects when the card left, the reader went away or no card is there.
 */
export interface CardApduChannel {
  transmit(reader: string, apdu: Uint8Array): Promise<Uint8Array>;
}

const GET_UID = Uint8Array.from([0xff, 0xca, 0x00, 0x00, 0x00]);

const ok = (r: Uint8Array): boolean => r.length >= 2 && r[r.length - 2] === 0x90 && r[r.length - 1] === 0x00;

/**
 * Sits between the card reader and the session. A card the passenger reader cannot serve
 * (`unsupported-card`) is asked whether it answers the technician AID (`F0534B5445434801`); if it
 * does, the session gets `CARD.TECHNICIAN` instead of the card error (the session decides what
 * that opens), and
 * {@link cardInField} offers that card's APDU channel to the maintenance flow. Every other event
 * goes on unchanged.
 */
export class TechnicianGate {
  private field: { reader: string; uid: string | null; technician: boolean } | null = null;
  /** Bumped on each new card, so a probe that finishes after the card left changes nothing. */
  private tap = 0;

  constructor(
    private readonly channel: CardApduChannel | null,
    private readonly session: (e: KioskEvent) => void,
    private readonly forward: (e: StampedCardEvent) => void,
    private readonly logger: Logger,
  ) {}

  /** The technician card now on the reader, for the challenge–response; null when none. */
  cardInField(): CardInField | null {
    const f = this.field;
    const channel = this.channel;
    if (!f || !channel) return null;
    return { transmit: async (apdu) => Buffer.from(await channel.transmit(f.reader, apdu)), uid: f.uid };
  }

  handle(stamped: StampedCardEvent): void {
    const { event } = stamped;
    switch (event.type) {
      case 'card-present':
        this.tap++;
        this.field = { reader: event.reader, uid: null, technician: false };
        break;
      case 'card-removed':
        this.tap++;
        this.field = null;
        break;
      case 'card-error':
        if (event.error.code === 'unsupported-card' && this.channel && this.field?.reader === event.reader) {
          void this.probe(stamped, this.tap);
          return;
        }
        break;
      default:
        break;
    }
    this.forward(stamped);
  }

  private async probe(stamped: StampedCardEvent, tap: number): Promise<void> {
    const reader = stamped.event.reader;
    let technician = false;
    let uid: string | null = null;
    try {
      const channel = this.channel!;
      const u = await channel.transmit(reader, GET_UID);
      uid = ok(u) ? toHex(u.subarray(0, -2)) : null;
      technician = ok(await channel.transmit(reader, SELECT_TECHNICIAN));
    } catch (e) {
      this.logger.info('technician probe failed', { reader, error: e instanceof Error ? e.message : String(e) });
    }
    if (tap !== this.tap) return;
    if (!technician) {
      this.forward(stamped);
      return;
    }
    this.field = { reader, uid, technician: true };
    this.logger.info('technician card on the reader', { reader });
    this.session({ type: 'CARD.TECHNICIAN' });
  }
}
