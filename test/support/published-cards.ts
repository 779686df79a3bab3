/**
 * Published real card data (test/fixtures/cards/*.json) as card images for the simulator. Each
 * fixture names its source (repository and commit, or address), the card's bytes as the source
 * gives them, and `sourceSays`: the values the source says the card holds. See
 * test/fixtures/cards/README.md.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCardImage, parseCardImage, type CardImage } from '../../hardware-sim/virtual-card/index.js';
import type { CardFileImage, CardApplicationImage } from '../../hardware-sim/virtual-card/image.js';
import type { CardTransaction } from '../../shared/card.js';

export const PUBLISHED_CARDS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/cards');

export interface PublishedSource {
  readonly repository?: string;
  readonly commit?: string;
  readonly path?: string;
  readonly address?: string;
  readonly what: string;
}

export interface SourceSays {
  readonly family?: string;
  readonly cardNumber?: string;
  readonly cityCode?: string;
  readonly validFrom?: string;
  readonly validUntil?: string;
  readonly balance: number;
  readonly balanceSlots?: { readonly slot0: number; readonly slot1: number | null };
  readonly holderType?: string;
  readonly transactions?: readonly Omit<CardTransaction, 'overdraft'>[];
  readonly transactionCount?: number;
  readonly newestTransaction?: Omit<CardTransaction, 'overdraft'>;
}

/** Where the source and this project's decoder differ, who is right and why. */
export interface Disagreement {
  readonly field: keyof SourceSays;
  /** What the decoder gives. */
  readonly decoder: string;
  readonly right: 'decoder' | 'source';
  readonly why: string;
}

export interface PublishedCard {
  readonly name: string;
  readonly family: string;
  readonly source: PublishedSource;
  readonly sourceSays: SourceSays;
  readonly sourceSaysWhy?: string;
  readonly disagreement?: Disagreement;
  /** True for a fixture that publishes only GET BALANCE answers (no card to replay). */
  readonly balanceOnly?: boolean;
  readonly slot0?: number;
  readonly slot1?: number;
  readonly uid?: string;
  readonly mfFiles?: readonly CardFileImage[];
  readonly applications?: readonly CardApplicationImage[];
}

export async function loadPublishedCards(): Promise<PublishedCard[]> {
  const files = (await readdir(PUBLISHED_CARDS_DIR)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(files.map(async (f) => JSON.parse(await readFile(path.join(PUBLISHED_CARDS_DIR, f), 'utf8')) as PublishedCard));
}

export function sourceOf(card: PublishedCard): string {
  const s = card.source;
  return s.repository ? `${s.repository}@${s.commit ?? '?'}:${s.path ?? ''}` : (s.address ?? 'unknown');
}

/** The published card as a simulator image (validated like every committed image). */
export function publishedCardImage(card: PublishedCard): CardImage {
  if (card.balanceOnly || !card.applications || !card.uid) throw new Error(`${card.name}: no card to replay (balance answers only)`);
  return parseCardImage(
    {
      name: card.name,
      description: `${card.source.what} Source: ${sourceOf(card)}`,
      uid: card.uid,
      ...(card.mfFiles ? { mfFiles: card.mfFiles } : {}),
      applications: card.applications,
      expected: { family: card.family },
    },
    card.name,
  );
}

/**
 * A card by name: the published real card of that name when `published` holds a whole one,
 * else the simulator's own image (for a family no source published, such as Wuhan Tong).
 */
export async function cardImageNamed(name: string, published: readonly PublishedCard[]): Promise<CardImage> {
  const card = published.find((c) => c.name === name && !c.balanceOnly);
  return card ? publishedCardImage(card) : loadCardImage(name);
}

/**
 * What a snapshot must show for a published card: every value the source states, except the one
 * field where the fixture records a disagreement the decoder wins (then the decoder's value,
 * named in the fixture). Returns the pairs to compare, so a test prints them side by side.
 */
export function expectedFromSource(card: PublishedCard): Record<string, unknown> {
  const says = card.sourceSays;
  const out: Record<string, unknown> = {};
  for (const key of ['family', 'cardNumber', 'cityCode', 'validFrom', 'validUntil', 'balance', 'balanceSlots', 'holderType'] as const) {
    if (says[key] !== undefined) out[key] = says[key];
  }
  const d = card.disagreement;
  if (d && d.right === 'decoder') out[d.field] = d.decoder;
  return out;
}
