/**
 * The card families the kiosk reads and the SELECTs that tell them apart (CARDS.md, "Families and
 * how to tell them apart"; docs/card-reading.md, "APDUs before the balance").
 */
import type { CardFamily } from '../../shared/card.js';
import { ascii } from './apdu.js';
import { fromHex } from './bytes.js';

export const T_UNION_AID = fromHex('A000000632010105');
export const CITY_UNION_AID = fromHex('A00000000386980701');
export const SHENZHEN_TONG_NAME = ascii('PAY.SZT');
export const BEIJING_NAMES = [ascii('PBOC'), ascii('OC')] as const;
/**
 * The PBOC purse DF by its file id: Beijing's application (nfsee selects it after MF file 0x04),
 * Shenzhen Tong's (the published card names it `PAY.SZT`) and Wuhan Tong's (nfsee's reader told
 * Wuhan cards by this DF named `AP1.WHCTC` from 2020 to 2026). Its FCI's DF name
 * tells the family where the name is a family's own (`PAY.SZT`, …); a generic name (`PBOC`, `OC`)
 * does not, and the family is told after the balance (docs/card-reading.md).
 */
export const PURSE_DF = fromHex('1001');
export const WUHAN_TONG_NAME = ascii('AP1.WHCTC');
/** Lingnan Pass: the application holding file 0x15 (number). */
export const LINGNAN_INFO_NAME = ascii('PAY.APPY');
/** Lingnan Pass: the purse (balance, 0x18 log); the family is detected by it. */
export const LINGNAN_PURSE_NAME = ascii('PAY.TICL');

export const TRANSACTIONS_SFI = 0x18;
export const TRIPS_SFI = 0x1e;
export const MAX_TRANSACTION_RECORDS = 10;
export const MAX_TRIP_RECORDS = 30;
/** Beijing keeps its number and dates in this file at the MF (outside the application). */
export const BEIJING_MF_SFI = 0x04;
/**
 * Wuhan Tong keeps its number (0x0A, bytes 0..4) and its dates (0x05) at the MF, outside its
 * application: sinpolib/nfcard reads both before it selects `AP1.WHCTC`, and nfsee's reader
 * selects `3F00` before it reads them (docs/card-reading.md, "Wuhan Tong").
 */
export const WUHAN_MF_SFIS = [0x0a, 0x05] as const;
/** First two bytes of Beijing's MF file 0x04: the city code 1000 (nfsee tells Beijing cards by it). */
export const BEIJING_MF_PREFIX = fromHex('1000');

/** SFI of the trip records where the family has them. */
export const TRIPS_SFI_OF: Readonly<Record<CardFamily, number | null>> = {
  't-union': TRIPS_SFI,
  'city-union': null,
  'shenzhen-tong': null,
  beijing: null,
  'wuhan-tong': null,
  'lingnan-pass': null,
};

/**
 * One command of the detection: a SELECT of a family's application by name, SELECT of the purse
 * DF 1001 by file id (the family from its DF name, or told after the balance), or READ BINARY of
 * Beijing's MF file 0x04 (a card-wide file no other family was seen to answer with `1000…`).
 */
export type Probe =
  | { readonly kind: 'select'; readonly family: CardFamily; readonly name: Uint8Array }
  | { readonly kind: 'purse-file' }
  | { readonly kind: 'beijing-mf-file' };

/** DF names that are one family's own: a purse DF answering with one of them is that family's. */
const OWN_DF_NAMES: readonly (readonly [Uint8Array, CardFamily])[] = [
  [T_UNION_AID, 't-union'],
  [CITY_UNION_AID, 'city-union'],
  [SHENZHEN_TONG_NAME, 'shenzhen-tong'],
  [WUHAN_TONG_NAME, 'wuhan-tong'],
  [LINGNAN_PURSE_NAME, 'lingnan-pass'],
];

/** The family whose own DF name `name` is; null for a generic name (`PBOC`, `OC`) or none. */
export function familyOfDfName(name: Uint8Array | null): CardFamily | null {
  if (name === null) return null;
  const same = (a: Uint8Array): boolean => a.length === name.length && a.every((b, i) => name[i] === b);
  return OWN_DF_NAMES.find(([n]) => same(n))?.[1] ?? null;
}

const select = (family: CardFamily, name: Uint8Array): Probe => ({ kind: 'select', family, name });

/**
 * The detection order when this reader has no hint: T-Union first (it needs SELECT and two
 * balance slots, so any probe before it would put it above 3 APDUs), City Union (issued in the
 * most cities), then the purse DF 1001, which Shenzhen Tong, Beijing and Wuhan Tong cards answer,
 * then Lingnan Pass and Wuhan Tong by name (nfsee's reader selects both by name today; no
 * published exchange shows a Lingnan card answering DF 1001), then Shenzhen Tong's name.
 * Beijing's names last:
 * `PBOC` and `OC` are generic PBOC names that other families' cards answer too (nfsee's reader
 * mock answers `PBOC` for its City Union and Wuhan cards), so a Beijing card is told by MF file
 * 0x04 starting `1000`.
 */
export const DETECTION_ORDER: readonly Probe[] = [
  select('t-union', T_UNION_AID),
  select('city-union', CITY_UNION_AID),
  { kind: 'purse-file' },
  select('lingnan-pass', LINGNAN_PURSE_NAME),
  select('wuhan-tong', WUHAN_TONG_NAME),
  // the published Shenzhen Tong card answers the purse DF with PAY.SZT: its name is the last resort
  select('shenzhen-tong', SHENZHEN_TONG_NAME),
  { kind: 'beijing-mf-file' },
  // a Beijing card whose MF file 0x04 could not be read: its DF by name, as before
  ...BEIJING_NAMES.map((n) => select('beijing', n)),
];

/** The family a probe is moved forward for by a hint: the purse DF and MF file 0x04 are how Beijing cards are read. */
const familyOf = (p: Probe): CardFamily => (p.kind === 'select' ? p.family : 'beijing');

/**
 * The detection order for a card tapped where the previous card was of family `hint`: T-Union
 * stays first, the hinted family's probe comes next, the rest keep their order. An ordering
 * optimisation only: every probe still decides by the card's own answer, so a wrong hint costs
 * one refused command and never a wrong family.
 */
export function detectionOrder(hint: CardFamily | null): readonly Probe[] {
  if (hint === null || hint === 't-union') return DETECTION_ORDER;
  const [first, ...rest] = DETECTION_ORDER;
  // Beijing's DF names stay last even then: other families' cards may answer them
  const moved = (p: Probe): boolean => familyOf(p) === hint && !(p.kind === 'select' && p.family === 'beijing');
  return [first!, ...rest.filter(moved), ...rest.filter((p) => !moved(p))];
}
