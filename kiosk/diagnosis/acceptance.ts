/**
 * Whether a card can pay for a ride at this station, from facts: the card family (T-Union or a
 * city's own card), the city that issued it, and the station's accepted card list (config
 * `acceptedCards`). Pure.
 *
 * Facts behind the rule (CARDS.md beside the project): a T-Union (交通联合, JT/T 978) card pays
 * in every city of the T-Union network; a city's own card that is not T-Union (北京市政交通一卡通,
 * 武汉通, 深圳通, a City Union 互联互通 card of the housing ministry's scheme…) pays only in its
 * home network, unless the station's operator lists it. Lingnan Pass (岭南通) is the Guangdong
 * cards' common scheme: it pays in the Guangdong cities.
 */
import type { CardFamily, CardSummary } from '../../shared/card.js';

/** What the station accepts besides the cards of its own city. */
export interface AcceptedCards {
  /** T-Union cards of any city (true at every T-Union station). */
  readonly tUnion: boolean;
  /** Families accepted whatever city issued them, e.g. `city-union` where the operator takes them. */
  readonly families: readonly CardFamily[];
  /** Issuer cities (4-digit codes) whose own cards are accepted here. */
  readonly cities: readonly string[];
}

/** A T-Union station that takes its own city's cards and T-Union cards, nothing else. */
export const DEFAULT_ACCEPTED_CARDS: AcceptedCards = { tUnion: true, families: [], cities: [] };

/**
 * Home cities of the families whose files carry no city code: the city (or cities) where the
 * family is the local card. Codes as in file 0x15 of T-Union cards (GB/T 13497 style).
 */
const FAMILY_HOME: Readonly<Partial<Record<CardFamily, readonly string[]>>> = {
  beijing: ['1000'],
  'wuhan-tong': ['5210'],
  'shenzhen-tong': ['5840'],
  // 岭南通: the common card of Guangdong's cities (Guangzhou 羊城通, Shenzhen, Foshan…).
  'lingnan-pass': ['5810', '5840'],
};

export type CardUse =
  /** A T-Union card and the station takes T-Union cards. */
  | { readonly usable: true; readonly because: 't-union'; readonly cardCity: string | null }
  /** A card of this station's own city (or of the family's home region). */
  | { readonly usable: true; readonly because: 'home-city'; readonly cardCity: string | null }
  /** Listed in the station's accepted cards (family or issuer city). */
  | { readonly usable: true; readonly because: 'accepted-family' | 'accepted-city'; readonly cardCity: string | null }
  /** Not T-Union and issued by another city that the station does not list. */
  | { readonly usable: false; readonly because: 'not-t-union'; readonly cardCity: string }
  /** Not T-Union, and the card does not say which city issued it. */
  | { readonly usable: false; readonly because: 'city-unknown'; readonly cardCity: null }
  /** A T-Union card of another city at a station that does not take T-Union cards. */
  | { readonly usable: false; readonly because: 't-union-not-accepted'; readonly cardCity: string | null };

/**
 * The card family issued by the station's own city, when one family is its city's own (its first
 * home city): the card reader tries it right after T-Union on a reader's first card. null where
 * the city has no family of its own here (its cards are T-Union or City Union, tried first anyway).
 */
export function homeFamilyOf(stationCity: string): CardFamily | null {
  for (const [family, homes] of Object.entries(FAMILY_HOME) as [CardFamily, readonly string[]][]) if (homes[0] === stationCity) return family;
  return null;
}

/** The issuer city of a card: its own city code, else its family's home city when there is one. */
export function issuerCity(card: Pick<CardSummary, 'family' | 'cityCode'>): string | null {
  return card.cityCode ?? (card.family === null ? null : FAMILY_HOME[card.family]?.[0]) ?? null;
}

/** Whether `card` pays for a ride at a station of `stationCity` that accepts `accepted`, and why. */
export function cardUseAt(card: { readonly family: CardFamily; readonly cityCode: string | null }, stationCity: string, accepted: AcceptedCards = DEFAULT_ACCEPTED_CARDS): CardUse {
  const cardCity = issuerCity(card);
  const homes = card.cityCode !== null ? [card.cityCode] : (FAMILY_HOME[card.family] ?? []);
  const home = homes.includes(stationCity);
  if (card.family === 't-union') {
    if (accepted.tUnion) return { usable: true, because: 't-union', cardCity };
    if (home) return { usable: true, because: 'home-city', cardCity };
    return { usable: false, because: 't-union-not-accepted', cardCity };
  }
  if (home) return { usable: true, because: 'home-city', cardCity };
  if (accepted.families.includes(card.family)) return { usable: true, because: 'accepted-family', cardCity };
  if (cardCity !== null && accepted.cities.includes(cardCity)) return { usable: true, because: 'accepted-city', cardCity };
  return cardCity === null ? { usable: false, because: 'city-unknown', cardCity: null } : { usable: false, because: 'not-t-union', cardCity };
}
