/**
 * The settings central holds for each kiosk and sends down at sync (remote configuration): one
 * schema, used by central when staff change a setting (refused with the reasons, nothing
 * stored) and by the kiosk when the change arrives (refused, the last good settings kept, the
 * refusal reported in its heartbeat). Add a setting here: a field in `RemoteSettings`, a rule
 * in `FIELDS`, and where the kiosk uses it (kiosk/config/remote-settings.ts).
 *
 * Central sends a kiosk its whole effective configuration each time (the global settings with
 * the kiosk's own over them); a key that is absent takes the value of the kiosk's own config
 * file.
 */
import { CARD_FAMILIES, type CardFamily } from './card.js';
import type { Language } from './ui-protocol.js';

export interface StationStaffContact {
  /** Where the station's staff office is, e.g. 「B出口旁客服中心」 / "Service centre by exit B". */
  readonly office: { readonly zh: string; readonly en: string };
  /** The staff phone number as passengers dial it, e.g. `020-8888 1234`. */
  readonly phone: string;
}

export interface RemoteSettings {
  /** No touch and no card for this long: the screen goes back to the start (10–600 s). */
  readonly idleTimeoutSeconds?: number;
  /** How long the "are you still there?" countdown shows (3–60 s, less than the idle time). */
  readonly idleWarningSeconds?: number;
  /** Below this balance (fen, 0–100,000) the kiosk says the card needs a top-up. */
  readonly lowBalanceThreshold?: number;
  /** Languages offered, in switch order (distinct, from zh and en). */
  readonly languages?: readonly Language[];
  /** The language a new passenger session starts in (one of `languages`). */
  readonly defaultLanguage?: Language;
  /** The station staff's office and phone. */
  readonly stationStaff?: StationStaffContact;
  /**
   * Where passengers' phones open the ticket page (receipt, QR code and screen show
   * `<publicBaseUrl>/t/<ticket id>`): an http(s) address with no query, not loopback outside
   * the demo.
   */
  readonly publicBaseUrl?: string;
  /** What the station accepts besides its own city's cards; a part left out is T-Union: yes, none, none. */
  readonly acceptedCards?: RemoteAcceptedCards;
}

/** The station's accepted cards as central sends them (the kiosk's `acceptedCards`). */
export interface RemoteAcceptedCards {
  /** T-Union cards of any city. */
  readonly tUnion?: boolean;
  /** Families accepted whatever city issued them. */
  readonly families?: readonly CardFamily[];
  /** Issuer cities (4-digit codes) whose own cards are accepted. */
  readonly cities?: readonly string[];
}

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|0\.0\.0\.0|\[::\])$/i;

/** Whether `url` names this machine (a passenger's phone reaching it would reach itself). */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return LOOPBACK_HOST.test(host) || host.endsWith('.localhost');
  } catch {
    return false;
  }
}

/** How strict the rules are where a configuration is checked. */
export interface SettingsRules {
  /** A loopback `publicBaseUrl` passes (only a kiosk started with `--demo`). Default: no. */
  readonly allowLoopbackPublicUrl?: boolean;
}

export type RemoteSettingKey = keyof RemoteSettings;

/** Bounds of the numeric settings (the kiosk's config file uses the same). */
export const SETTING_RANGES = {
  idleTimeoutSeconds: { min: 10, max: 600 },
  idleWarningSeconds: { min: 3, max: 60 },
  lowBalanceThreshold: { min: 0, max: 100_000 },
} as const;

const LANGS: readonly Language[] = ['zh', 'en'];

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Control and bidi-override characters have no place in a text shown to passengers. */
const hidden = (c: string): boolean => {
  const n = c.codePointAt(0) ?? 0;
  return n < 0x20 || (n >= 0x7f && n <= 0x9f) || (n >= 0x202a && n <= 0x202e) || (n >= 0x2066 && n <= 0x2069);
};
const text = (v: unknown, max: number): v is string => typeof v === 'string' && v.trim() !== '' && v.length <= max && ![...v].some(hidden);

function integer(key: keyof typeof SETTING_RANGES): (v: unknown) => string | null {
  const { min, max } = SETTING_RANGES[key];
  return (v) => (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? null : `${key} must be a whole number between ${min} and ${max}, got ${show(v)}`);
}

function publicBaseUrl(v: unknown, rules: SettingsRules): string | null {
  const want = 'publicBaseUrl must be the http(s) address of the ticket page a passenger\'s phone can open, with no query (e.g. "https://service.metro.example")';
  if (typeof v !== 'string' || v.length > 200 || [...v].some(hidden)) return `${want}, got ${show(v)}`;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return `${want}, got ${show(v)}`;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    return `${want}, got ${show(v)}`;
  }
  if (!rules.allowLoopbackPublicUrl && isLoopbackUrl(v)) return `publicBaseUrl must be an address a passenger's phone can open, got the loopback address ${v} (only a demo kiosk may use one)`;
  return null;
}

function acceptedCards(v: unknown): string | null {
  const want = `acceptedCards must be {"tUnion": true|false, "families": [${CARD_FAMILIES.map((f) => `"${f}"`).join(', ')}], "cities": ["<4 digits>", …]} (each part optional)`;
  if (!isObject(v) || Object.keys(v).some((k) => k !== 'tUnion' && k !== 'families' && k !== 'cities')) return `${want}, got ${show(v)}`;
  const families = v['families'] ?? [];
  const cities = v['cities'] ?? [];
  const ok =
    (v['tUnion'] === undefined || typeof v['tUnion'] === 'boolean') &&
    Array.isArray(families) &&
    families.every((f) => (CARD_FAMILIES as readonly unknown[]).includes(f)) &&
    new Set(families).size === families.length &&
    Array.isArray(cities) &&
    cities.length <= 100 &&
    cities.every((c) => typeof c === 'string' && /^\d{4}$/.test(c)) &&
    new Set(cities).size === cities.length;
  return ok ? null : `${want}, each listed once, got ${show(v)}`;
}

/** One rule per setting: null when the value is good, else the reason in words. */
const FIELDS: { readonly [K in RemoteSettingKey]-?: (v: unknown, rules: SettingsRules) => string | null } = {
  idleTimeoutSeconds: integer('idleTimeoutSeconds'),
  idleWarningSeconds: integer('idleWarningSeconds'),
  lowBalanceThreshold: integer('lowBalanceThreshold'),
  languages: (v) =>
    Array.isArray(v) && v.length > 0 && v.every((l) => LANGS.includes(l as Language)) && new Set(v).size === v.length
      ? null
      : `languages must be a list of distinct languages from "zh", "en", got ${show(v)}`,
  defaultLanguage: (v) => (LANGS.includes(v as Language) ? null : `defaultLanguage must be one of "zh", "en", got ${show(v)}`),
  stationStaff: (v) => {
    const ok =
      isObject(v) &&
      Object.keys(v).every((k) => k === 'office' || k === 'phone') &&
      isObject(v['office']) &&
      Object.keys(v['office']).length === 2 &&
      text(v['office']['zh'], 80) &&
      text(v['office']['en'], 80) &&
      typeof v['phone'] === 'string' &&
      /^\+?[0-9][0-9 -]{2,23}$/.test(v['phone']);
    return ok ? null : `stationStaff must be {"office": {"zh": …, "en": …} (each 1–80 characters), "phone": digits, spaces or "-" (3–24)}, got ${show(v)}`;
  },
  publicBaseUrl,
  acceptedCards,
};

export const REMOTE_SETTING_KEYS = Object.keys(FIELDS) as RemoteSettingKey[];

export type SettingsCheck = { readonly ok: true; readonly settings: RemoteSettings } | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Checks a configuration as central holds or sends it. `base` gives the values of settings the
 * configuration leaves out (the kiosk's own file; central checks without one), for the rules
 * that compare two settings. Every problem is listed, in words. Central checks with the
 * production rules (a loopback `publicBaseUrl` is refused, as `kiosk install` refuses it); a
 * kiosk started with `--demo` allows one, as `kiosk start --demo` does.
 */
export function checkRemoteSettings(value: unknown, base: RemoteSettings = {}, rules: SettingsRules = {}): SettingsCheck {
  if (!isObject(value)) return { ok: false, problems: [`the configuration must be a JSON object, got ${show(value)}`] };
  const problems: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    const rule = (FIELDS as Record<string, ((v: unknown, rules: SettingsRules) => string | null) | undefined>)[key];
    if (!rule) problems.push(`${key} is not a setting central can change (settings: ${REMOTE_SETTING_KEYS.join(', ')})`);
    else {
      const problem = rule(v, rules);
      if (problem) problems.push(problem);
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  const settings = value as RemoteSettings;
  const idle = settings.idleTimeoutSeconds ?? base.idleTimeoutSeconds;
  const warning = settings.idleWarningSeconds ?? base.idleWarningSeconds;
  if (idle !== undefined && warning !== undefined && warning >= idle) {
    problems.push(`idleWarningSeconds (${warning}) must be less than idleTimeoutSeconds (${idle})`);
  }
  const languages = settings.languages ?? base.languages;
  const language = settings.defaultLanguage ?? base.defaultLanguage;
  if (languages !== undefined && language !== undefined && !languages.includes(language)) {
    problems.push(`defaultLanguage (${language}) must be one of languages (${languages.join(', ')})`);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, settings };
}

/** What a kiosk reports about its remote configuration in each heartbeat. */
export interface KioskConfigState {
  /** The version (central's change number) of the configuration in use; null: only its own file. */
  readonly version: number | null;
  /** The last configuration it refused, while no newer one was taken. */
  readonly rejected: { readonly version: number; readonly problems: readonly string[]; readonly at: string } | null;
}
