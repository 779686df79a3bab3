/** The card families the kiosk reads, in detection order (CARDS.md, "Families and how to tell them apart"). */
import type { CardFamily } from '../../shared/card.js';
import { ascii } from './apdu.js';
import { fromHex } from './bytes.js';

export interface FamilySpec {
  readonly family: CardFamily;
  /** DF names tried by SELECT, in order; the first `90 00` decides. */
  readonly names: readonly Uint8Array[];
  /** SFI of the trip records where the family has them. */
  readonly tripsSfi: number | null;
}

export const T_UNION_AID = fromHex('A000000632010105');
export const CITY_UNION_AID = fromHex('A00000000386980701');
export const SHENZHEN_TONG_NAME = ascii('PAY.SZT');
export const BEIJING_NAMES = [ascii('OC'), ascii('PBOC')] as const;
export const WUHAN_TONG_NAME = ascii('AP1.WHCTC');
export const LINGNAN_PASS_NAME = ascii('PAY.APPY');
export const LINGNAN_PURSE_NAME = ascii('PAY.TICL');

export const TRANSACTIONS_SFI = 0x18;
export const TRIPS_SFI = 0x1e;
export const MAX_TRANSACTION_RECORDS = 10;
export const MAX_TRIP_RECORDS = 30;

export const FAMILY_DETECTION_ORDER: readonly FamilySpec[] = [
  { family: 't-union', names: [T_UNION_AID], tripsSfi: TRIPS_SFI },
  { family: 'city-union', names: [CITY_UNION_AID], tripsSfi: null },
  { family: 'shenzhen-tong', names: [SHENZHEN_TONG_NAME], tripsSfi: null },
  { family: 'beijing', names: BEIJING_NAMES, tripsSfi: null },
  { family: 'wuhan-tong', names: [WUHAN_TONG_NAME], tripsSfi: null },
  { family: 'lingnan-pass', names: [LINGNAN_PASS_NAME], tripsSfi: null },
];
