import { readFile } from 'node:fs/promises';
import { CARD_FAMILIES, type CardFamily } from '../../shared/card.js';
import { DEFAULT_ACCEPTED_CARDS, type AcceptedCards } from '../diagnosis/acceptance.js';
import { SETTING_RANGES as RANGES } from '../../shared/kiosk-config.js';
import { ConfigError, LANGUAGES, type HidConfig, type KioskConfig, type Language } from './kiosk-config.js';

type Raw = Readonly<Record<string, unknown>>;

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}

/** Reads fields one by one and collects every problem, so that one run shows them all. */
class FieldReader {
  readonly problems: string[] = [];
  constructor(
    private readonly raw: Raw,
    private readonly prefix = '',
  ) {}

  private get(key: string): unknown {
    return this.raw[key];
  }

  private fail(key: string, want: string, got: unknown): void {
    this.problems.push(`${this.prefix}${key} must be ${want}, got ${show(got)}`);
  }

  text(key: string, pattern?: RegExp, want = 'a non-empty string'): string {
    const v = this.get(key);
    if (typeof v !== 'string' || v.trim() === '' || (pattern && !pattern.test(v))) {
      this.fail(key, want, v);
      return '';
    }
    return v;
  }

  optionalText(key: string, fallback: string | null): string | null {
    const v = this.get(key);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'string' || v.trim() === '') {
      this.fail(key, 'a non-empty string or null', v);
      return fallback;
    }
    return v;
  }

  integer(key: string, min: number, max: number, fallback?: number): number {
    const v = this.get(key);
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.fail(key, `a whole number between ${min} and ${max}`, v);
      return fallback ?? min;
    }
    return v;
  }

  language(key: string, fallback?: Language): Language {
    const v = this.get(key);
    if (v === undefined && fallback !== undefined) return fallback;
    if (v !== 'zh' && v !== 'en') {
      this.fail(key, `one of ${LANGUAGES.map((l) => `"${l}"`).join(', ')}`, v);
      return fallback ?? 'zh';
    }
    return v;
  }

  languages(key: string): Language[] {
    const v = this.get(key);
    if (v === undefined) return [...LANGUAGES];
    if (!Array.isArray(v) || v.length === 0 || v.some((l) => l !== 'zh' && l !== 'en') || new Set(v).size !== v.length) {
      this.fail(key, 'a list of distinct languages from "zh", "en"', v);
      return [...LANGUAGES];
    }
    return v as Language[];
  }

  optionalUrl(key: string): string | null {
    const v = this.get(key);
    if (v === undefined || v === null) return null;
    return this.url(key) || null;
  }

  url(key: string): string {
    const v = this.get(key);
    if (typeof v === 'string') {
      try {
        const u = new URL(v);
        if (u.protocol === 'http:' || u.protocol === 'https:') return v.replace(/\/+$/, '');
      } catch {
        // reported below
      }
    }
    this.fail(key, 'an http:// or https:// URL', v);
    return '';
  }

  object(key: string, optional = false): FieldReader {
    const v = this.get(key);
    if (v === undefined && optional) return new FieldReader({}, `${this.prefix}${key}.`);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      this.fail(key, 'an object', v);
      return new FieldReader({}, `${this.prefix}${key}.`);
    }
    return new FieldReader(v as Raw, `${this.prefix}${key}.`);
  }

  /** `hid`: absent → node-hid; null → none; `{ transport: 'node-hid' }` or `{ transport: 'remote', url: 'ws://127.0.0.1:…' }`. */
  hid(key: string): HidConfig | null {
    const v = this.get(key);
    if (v === undefined) return { transport: 'node-hid' };
    if (v === null) return null;
    const o = v as Raw;
    if (typeof v === 'object' && !Array.isArray(v)) {
      if (o['transport'] === 'node-hid' && Object.keys(o).length === 1) return { transport: 'node-hid' };
      if (o['transport'] === 'remote' && Object.keys(o).length === 2 && typeof o['url'] === 'string' && /^ws:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d+\//.test(o['url'])) {
        return { transport: 'remote', url: o['url'] };
      }
    }
    this.fail(key, 'null, {"transport":"node-hid"} or {"transport":"remote","url":"ws://127.0.0.1:<port>/…"}', v);
    return null;
  }

  /** `acceptedCards`: `{ tUnion?: boolean, families?: CardFamily[], cities?: string[] }`; absent → T-Union cards. */
  acceptedCards(key: string): AcceptedCards {
    const v = this.get(key);
    if (v === undefined) return DEFAULT_ACCEPTED_CARDS;
    const o = v as Raw;
    const want = `{"tUnion": true|false, "families": [${CARD_FAMILIES.map((f) => `"${f}"`).join(', ')}], "cities": ["<4 digits>", …]} (each part optional)`;
    if (typeof v !== 'object' || v === null || Array.isArray(v) || Object.keys(o).some((k) => !['tUnion', 'families', 'cities'].includes(k))) {
      this.fail(key, want, v);
      return DEFAULT_ACCEPTED_CARDS;
    }
    const tUnion = o['tUnion'] ?? true;
    const families = o['families'] ?? [];
    const cities = o['cities'] ?? [];
    const familiesOk = Array.isArray(families) && families.every((f) => (CARD_FAMILIES as readonly unknown[]).includes(f));
    const citiesOk = Array.isArray(cities) && cities.every((c) => typeof c === 'string' && /^\d{4}$/.test(c));
    if (typeof tUnion !== 'boolean' || !familiesOk || !citiesOk) {
      this.fail(key, want, v);
      return DEFAULT_ACCEPTED_CARDS;
    }
    return { tUnion, families: families as CardFamily[], cities: cities as string[] };
  }

  unknownKeys(known: readonly string[]): void {
    for (const k of Object.keys(this.raw)) {
      if (!known.includes(k)) this.problems.push(`${this.prefix}${k} is not a known setting (known: ${known.join(', ')})`);
    }
  }
}

const KNOWN = [
  '$comment',
  'stationId',
  'stationName',
  'location',
  'kioskId',
  'kioskCode',
  'cityCode',
  'languages',
  'defaultLanguage',
  'idleTimeoutSeconds',
  'idleWarningSeconds',
  'lowBalanceThreshold',
  'acceptedCards',
  'central',
  'publicBaseUrl',
  'ui',
  'readerName',
  'printerPath',
  'cabinetPath',
  'hid',
  'dataDir',
] as const;

/**
 * Checks a parsed JSON value against the config rules. `source` names the file in messages.
 * Throws `ConfigError` listing every problem found.
 */
export function parseKioskConfig(value: unknown, source: string): KioskConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(source, [`must hold a JSON object, got ${show(value)}`]);
  }
  const r = new FieldReader(value as Raw);
  const name = r.object('stationName');
  const hasLocation = (value as Raw)['location'] !== undefined && (value as Raw)['location'] !== null;
  const place = hasLocation ? r.object('location') : null;
  const central = r.object('central');
  const ui = r.object('ui', true);
  const languages = r.languages('languages');
  const config: KioskConfig = {
    stationId: r.text('stationId'),
    stationName: { zh: name.text('zh'), en: name.text('en') },
    location: place ? { zh: place.text('zh'), en: place.text('en') } : null,
    kioskId: r.text('kioskId', /^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_" or "-" (1 to 64)'),
    kioskCode: r.text('kioskCode', /^[A-Z0-9]{2,8}$/, '2 to 8 capital letters or digits'),
    cityCode: r.text('cityCode', /^\d{4}$/, 'four digits'),
    languages,
    defaultLanguage: r.language('defaultLanguage', languages[0]),
    idleTimeoutSeconds: r.integer('idleTimeoutSeconds', RANGES.idleTimeoutSeconds.min, RANGES.idleTimeoutSeconds.max, 60),
    idleWarningSeconds: r.integer('idleWarningSeconds', RANGES.idleWarningSeconds.min, RANGES.idleWarningSeconds.max, 10),
    lowBalanceThreshold: r.integer('lowBalanceThreshold', RANGES.lowBalanceThreshold.min, RANGES.lowBalanceThreshold.max, 500),
    acceptedCards: r.acceptedCards('acceptedCards'),
    central: { url: central.url('url'), token: central.text('token') },
    publicBaseUrl: r.optionalUrl('publicBaseUrl'),
    ui: { port: ui.integer('port', 0, 65535, 8080) },
    readerName: r.optionalText('readerName', null),
    printerPath: r.optionalText('printerPath', null),
    cabinetPath: r.optionalText('cabinetPath', null),
    hid: r.hid('hid'),
    dataDir: r.text('dataDir'),
  };
  r.unknownKeys(KNOWN);
  name.unknownKeys(LANGUAGES);
  place?.unknownKeys(LANGUAGES);
  central.unknownKeys(['url', 'token']);
  ui.unknownKeys(['port']);
  const problems = [...r.problems, ...name.problems, ...(place?.problems ?? []), ...central.problems, ...ui.problems];
  if (!config.languages.includes(config.defaultLanguage)) {
    problems.push(`defaultLanguage must be one of languages (${config.languages.join(', ')}), got ${show(config.defaultLanguage)}`);
  }
  if (config.idleWarningSeconds >= config.idleTimeoutSeconds) {
    problems.push(`idleWarningSeconds must be less than idleTimeoutSeconds (${config.idleTimeoutSeconds}), got ${config.idleWarningSeconds}`);
  }
  if (problems.length > 0) throw new ConfigError(source, problems);
  return config;
}

/** Reads and checks a config file. Throws `ConfigError` (unreadable file, bad JSON, bad fields). */
export async function loadKioskConfig(path: string): Promise<KioskConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ConfigError(path, [`cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(path, [`is not valid JSON (${(e as Error).message})`]);
  }
  return parseKioskConfig(json, path);
}
