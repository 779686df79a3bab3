/**
 * The settings central can change (shared/kiosk-config.ts), as the running kiosk uses them:
 * its config file's values with the last good configuration from central over them.
 *
 * When they apply: a configuration central sent is checked and stored when it arrives at sync
 * (kiosk/store/down-sync-cache.ts); the session takes it when it is at the start screen —
 * at once if nobody is using the kiosk, otherwise as soon as the passenger's session ends
 * (done, exit, or the idle reset). Nothing a passenger is doing is ever reset or changed by
 * it: their countdown, language and card check keep the values they started with. A refused
 * configuration changes nothing here.
 */
import type { RemoteAcceptedCards, RemoteSettings, StationStaffContact } from '../../shared/kiosk-config.js';
import type { Language } from '../../shared/ui-protocol.js';
import type { AcceptedCards } from '../diagnosis/acceptance.js';
import { ticketPageBase, type KioskConfig } from './kiosk-config.js';

export interface Settings {
  readonly idleTimeoutSeconds: number;
  readonly idleWarningSeconds: number;
  readonly lowBalanceThreshold: number;
  readonly languages: readonly Language[];
  readonly defaultLanguage: Language;
  /** null: central has not said. */
  readonly stationStaff: StationStaffContact | null;
  /** Where the ticket page is for passengers' phones (no trailing slash): central's `publicBaseUrl`, else the file's, else central's URL. */
  readonly ticketPageBase: string;
  /** What the station accepts besides its own city's cards. */
  readonly acceptedCards: AcceptedCards;
}

/** Central's accepted cards with the parts it left out as the config file reads them (T-Union yes, no families, no cities). */
function acceptedCardsOf(remote: RemoteAcceptedCards): AcceptedCards {
  return { tUnion: remote.tUnion ?? true, families: remote.families ?? [], cities: remote.cities ?? [] };
}

/** The config file's values of the settings central can change (the base its changes are checked against). */
export function fileSettings(config: KioskConfig): RemoteSettings {
  return {
    idleTimeoutSeconds: config.idleTimeoutSeconds,
    idleWarningSeconds: config.idleWarningSeconds,
    lowBalanceThreshold: config.lowBalanceThreshold,
    languages: config.languages,
    defaultLanguage: config.defaultLanguage,
  };
}

export function effectiveSettings(config: KioskConfig, remote: RemoteSettings): Settings {
  return {
    idleTimeoutSeconds: remote.idleTimeoutSeconds ?? config.idleTimeoutSeconds,
    idleWarningSeconds: remote.idleWarningSeconds ?? config.idleWarningSeconds,
    lowBalanceThreshold: remote.lowBalanceThreshold ?? config.lowBalanceThreshold,
    languages: remote.languages ?? config.languages,
    defaultLanguage: remote.defaultLanguage ?? config.defaultLanguage,
    stationStaff: remote.stationStaff ?? null,
    ticketPageBase: remote.publicBaseUrl !== undefined ? remote.publicBaseUrl.replace(/\/+$/, '') : ticketPageBase(config),
    acceptedCards: remote.acceptedCards ? acceptedCardsOf(remote.acceptedCards) : config.acceptedCards,
  };
}

export interface SettingsSession {
  /** Whether nobody is using the kiosk (the start screen). */
  isIdle(): boolean;
  /** Called after every transition of the session. Returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

/**
 * Holds the settings in use and a newer configuration waiting for the session to be idle.
 * The session machine reads `current` each time it starts a countdown or a new session.
 */
export class LiveSettings {
  private value: Settings;
  private waiting: { readonly version: number; readonly settings: Settings } | null = null;
  private version: number | null;
  private unsubscribe: (() => void) | null = null;
  private session: SettingsSession | null = null;

  constructor(
    private readonly config: KioskConfig,
    remote: RemoteSettings,
    version: number | null,
    private readonly onApplied: (version: number, settings: Settings) => void = () => undefined,
  ) {
    this.value = effectiveSettings(config, remote);
    this.version = version;
  }

  get current(): Settings {
    return this.value;
  }

  /** The version of the configuration in use (null: the file's own), and the one waiting, if any. */
  state(): { readonly version: number | null; readonly waiting: number | null } {
    return { version: this.version, waiting: this.waiting?.version ?? null };
  }

  /** From now on, a configuration waits for this session to be idle. */
  attach(session: SettingsSession): void {
    this.session = session;
    this.unsubscribe = session.subscribe(() => this.applyIfIdle());
  }

  detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** A good configuration from central: applied now if the kiosk is idle, else when it next is. */
  offer(version: number, remote: RemoteSettings): void {
    this.waiting = { version, settings: effectiveSettings(this.config, remote) };
    this.applyIfIdle();
  }

  private applyIfIdle(): void {
    if (!this.waiting || !(this.session?.isIdle() ?? true)) return;
    const { version, settings } = this.waiting;
    this.waiting = null;
    this.value = settings;
    this.version = version;
    this.onApplied(version, settings);
  }
}
