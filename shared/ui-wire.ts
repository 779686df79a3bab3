/**
 * What travels on the UI WebSocket (`/ws`): `shared/ui-protocol.ts`'s messages, plus one field
 * the runtime adds for measurement. Imported by the runtime and by the browser bundle, so it
 * holds no Node code.
 */
import type { UiDownMessage } from './ui-protocol.js';

type ScreenMessage = Extract<UiDownMessage, { type: 'screen' }>;

/** A screen message as the kiosk runtime sends it. */
export type KioskScreenMessage = ScreenMessage & {
  /**
   * Wall-clock ms (epoch) of the hardware event that caused this screen (a card tap), or null.
   * The UI compares it with its paint time to measure tap-to-paint latency in the browser.
   */
  readonly causeAt: number | null;
};

export type KioskDownMessage = KioskScreenMessage | Extract<UiDownMessage, { type: 'rejected' }>;
