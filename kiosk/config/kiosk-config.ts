/**
 * The kiosk's configuration: one JSON file per terminal (`config/*.json`). Everything the
 * runtime needs to know about where it stands and what it talks to. Loaded once at start;
 * central may later push changes through the sync API (those are the flows' business, not
 * this file's).
 */
import { isLoopbackUrl } from '../../shared/kiosk-config.js';
import type { Language } from '../../shared/ui-protocol.js';
import type { AcceptedCards } from '../diagnosis/acceptance.js';

export { isLoopbackUrl } from '../../shared/kiosk-config.js';

export { LANGUAGES, type Language } from '../../shared/ui-protocol.js';

export interface KioskConfig {
  /** Station id as central knows it, e.g. `GZ-L1-TYXL`. */
  readonly stationId: string;
  readonly stationName: { readonly zh: string; readonly en: string };
  /** Where in the station this kiosk stands, e.g. 「B出口旁」 / "By exit B": the emergency alarm tells staff. null: not set. */
  readonly location: { readonly zh: string; readonly en: string } | null;
  /** Kiosk id as central knows it (also the sync API identity). */
  readonly kioskId: string;
  /** Short code that starts every ticket id this kiosk makes (2–8 of A–Z0–9), e.g. `GZ0102`. */
  readonly kioskCode: string;
  /** City code of the station (4 digits, GB/T 13497 style), e.g. `5810` Guangzhou. */
  readonly cityCode: string;
  /** Languages offered on screen, in switch order. */
  readonly languages: readonly Language[];
  readonly defaultLanguage: Language;
  /** No touch and no card for this long: the screen goes back to the start and forgets the passenger. */
  readonly idleTimeoutSeconds: number;
  /** How long the "are you still there?" countdown shows before the reset. */
  readonly idleWarningSeconds: number;
  /**
   * Cards this station takes besides its own city's: T-Union cards (`tUnion`), whole families
   * (`families`, e.g. `city-union`) and other cities' own cards (`cities`, 4-digit codes). The
   * passenger is told whether their card pays here and why. Default: T-Union cards only.
   */
  readonly acceptedCards: AcceptedCards;
  /** Below this balance (fen) the kiosk says the card needs a top-up. */
  readonly lowBalanceThreshold: number;
  readonly central: {
    /** Base URL of the central service (its sync API is under `/v1`). */
    readonly url: string;
    /** Bearer token of this kiosk. */
    readonly token: string;
  };
  /**
   * Base URL of the passenger ticket page as a phone outside the station reaches it (the receipt,
   * the QR code and the screen show `<publicBaseUrl>/t/<ticket id>`), e.g.
   * `https://service.metro.example/`. Null: central's own URL, which is only right in the demo
   * (`kiosk start --demo`); outside it a loopback address here is refused (`publicUrlProblem`).
   */
  readonly publicBaseUrl: string | null;
  readonly ui: {
    /** Loopback port of the kiosk UI (HTTP + WebSocket). 0 picks a free one (tests). */
    readonly port: number;
  };
  /** Which PC/SC reader to use: one by name, or every reader present (`null`). */
  readonly readerName: string | null;
  /** Serial device of the receipt printer (`/dev/ttyUSB0`, `/dev/serial/by-id/…`); null: no printer. */
  readonly printerPath: string | null;
  /** Serial device of the cabinet controller; null: none. */
  readonly cabinetPath: string | null;
  /** QR scanner and help buttons: the USB HID devices (node-hid), the sim daemon's HID IPC socket, or none. */
  readonly hid: HidConfig | null;
  /** Folder for the SQLite store and the persisted session; a relative path is taken from the working directory. */
  readonly dataDir: string;
}

/** Where the kiosk finds its HID devices. */
export type HidConfig =
  | { readonly transport: 'node-hid' }
  /** The sim daemon's loopback HID IPC socket, e.g. `ws://127.0.0.1:8090/api/hid/ipc`. */
  | { readonly transport: 'remote'; readonly url: string };

/** A config file that cannot be used; `problems` lists every field that is wrong. */
export class ConfigError extends Error {
  readonly code = 'invalid-config';
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(problems.map((p) => `${source}: ${p}`).join('\n'));
    this.name = 'ConfigError';
  }
}

/** Where the passenger ticket page is: `publicBaseUrl`, else central's URL. No trailing slash. */
export function ticketPageBase(config: Pick<KioskConfig, 'publicBaseUrl' | 'central'>): string {
  return config.publicBaseUrl ?? config.central.url;
}

/**
 * Why this config cannot serve passengers' phones outside the demo, or null when it can: the
 * ticket page link (receipt, QR code, screen) must not point at a loopback address.
 */
export function publicUrlProblem(config: Pick<KioskConfig, 'publicBaseUrl' | 'central'>, demo: boolean): string | null {
  if (demo) return null;
  const base = ticketPageBase(config);
  if (!isLoopbackUrl(base)) return null;
  return config.publicBaseUrl === null
    ? `publicBaseUrl is not set, so the receipt and the QR code would point at central's address ${base}, a loopback address that a passenger's phone cannot open. Set publicBaseUrl to the public address of the ticket page (e.g. "https://service.metro.example"), or run with --demo.`
    : `publicBaseUrl must be an address a passenger's phone can open, got the loopback address ${base}. Set it to the public address of the ticket page (e.g. "https://service.metro.example"), or run with --demo.`;
}
