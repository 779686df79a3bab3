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
/** Beijing's application DF, selected by file id as nfsee does after it has read MF file 0x04. */
export const BEIJING_DF = fromHex('1001');
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
 * One command of the detection: a SELECT of a family's application by name, or READ BINARY of
 * Beijing's MF file 0x04 (a card-wide file no other family was seen to answer with `1000…`).
 */
export type Probe =
  | { readonly kind: 'select'; readonly family: CardFamily; readonly name: Uint8Array }
  | { readonly kind: 'beijing-mf-file' };

const select = (family: CardFamily, name: Uint8Array): Probe => ({ kind: 'select', family, name });

/**
 * The detection order when this reader has no hint: T-Union first (it needs SELECT and two
 * balance slots, so any probe before it would put it above 3 APDUs), then by how widely a
 * family is issued. Beijing last: its DF names (`PBOC`, `OC`) are generic PBOC names that other
 * families' cards answer too (nfsee's reader mock answers `PBOC` for its City Union and Wuhan
 * cards), so it is told by MF file 0x04 instead.
 */
export const DETECTION_ORDER: readonly Probe[] = [
  select('t-union', T_UNION_AID),
  select('city-union', CITY_UNION_AID),
  select('shenzhen-tong', SHENZHEN_TONG_NAME),
  select('wuhan-tong', WUHAN_TONG_NAME),
  select('lingnan-pass', LINGNAN_PURSE_NAME),
  { kind: 'beijing-mf-file' },
  // a Beijing card whose MF file 0x04 could not be read: its DF by name, as before
  ...BEIJING_NAMES.map((n) => select('beijing', n)),
];

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
