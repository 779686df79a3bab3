/**
 * The committed card images and the test blocklist, built from readable fields.
 * Regenerate with `npm run -s sim -- cards build` or `tsx hardware-sim/card-images/build.ts`;
 * `build.test.ts` checks the committed JSON equals this output.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CardImage } from '../virtual-card/image.js';
import { CARD_IMAGES_DIR, parseCardImage } from '../virtual-card/load.js';
import { beijingCard, cityUnionCard, garbageCard, lingnanPassCard, nonTransitCard, shenzhenTongCard, technicianCard, wuhanTongCard } from './other-families.js';
import { GUANGZHOU_STATIONS as GZ } from './stations.js';
import { tUnionCard, type CardEvent, type TUnionCardSpec } from './t-union.js';

/** A commute in Guangzhou, oldest first: top-ups, metro trips, one shop purchase. */
const COMMUTE: readonly CardEvent[] = [
  { kind: 'top-up', at: '2026-04-20 08:30:00', amount: 5000 },
  { kind: 'entry', at: '2026-04-21 08:02:11', station: GZ.kecun },
  { kind: 'exit', at: '2026-04-21 08:31:40', station: GZ.tiyuXilu, fare: 400 },
  { kind: 'entry', at: '2026-04-21 18:10:05', station: GZ.tiyuXilu },
  { kind: 'exit', at: '2026-04-21 18:38:52', station: GZ.kecun, fare: 400 },
  { kind: 'purchase', at: '2026-04-25 10:15:00', amount: 1200 },
  { kind: 'entry', at: '2026-05-01 09:00:20', station: GZ.gongyuanqian },
  { kind: 'exit', at: '2026-05-01 09:26:03', station: GZ.zhujiangNewTown, fare: 300 },
  { kind: 'top-up', at: '2026-05-02 12:00:00', amount: 2000 },
  { kind: 'entry', at: '2026-05-03 07:50:00', station: GZ.zhujiangNewTown },
  { kind: 'exit', at: '2026-05-03 08:45:31', station: GZ.cantonTower, fare: 700 },
];

const GZ_BASE = {
  cityCode: '5810',
  provinceCode: '4400',
  validFrom: '2021-03-15',
  validUntil: '2031-03-14',
  holderType: 'normal',
  hasSlot1: false,
} as const satisfies Partial<TUnionCardSpec>;

export const BLOCKED_CARD_NUMBER = '3105810100055501234';

const T_UNION_SPECS: readonly TUnionCardSpec[] = [
  {
    ...GZ_BASE,
    name: 't-union-guangzhou-ok',
    description: 'Guangzhou T-Union card in good order: metro commutes, top-ups, normal balance; rejects balance slot 1',
    uid: '04A1B2C3D4E5F6',
    cardNumber: '3105810100012347984',
    balance: 8650,
    events: COMMUTE,
    diagnosis: [],
    notes: { newestTripExitStation: GZ.cantonTower.en },
  },
  {
    ...GZ_BASE,
    name: 't-union-expired',
    description: 'Guangzhou T-Union card that expired on 2024-12-31',
    uid: '04A1B2C3D4E501',
    cardNumber: '3105810100020240011',
    validFrom: '2014-12-31',
    validUntil: '2024-12-31',
    balance: 2380,
    events: [
      { kind: 'top-up', at: '2024-12-01 10:00:00', amount: 3000 },
      { kind: 'entry', at: '2024-12-20 08:00:00', station: GZ.kecun },
      { kind: 'exit', at: '2024-12-20 08:25:00', station: GZ.gongyuanqian, fare: 620 },
    ],
    diagnosis: ['expired'],
  },
  {
    ...GZ_BASE,
    name: 't-union-not-yet-valid',
    description: 'Guangzhou T-Union card issued ahead of time: valid from 2030-01-01, preloaded, never used',
    uid: '04A1B2C3D4E502',
    cardNumber: '3105810100030300022',
    validFrom: '2030-01-01',
    validUntil: '2040-01-01',
    balance: 5000,
    events: [],
    diagnosis: ['not-yet-valid'],
  },
  {
    ...GZ_BASE,
    name: 't-union-blocked',
    description: 'Guangzhou T-Union card whose number is on the test blocklist (hardware-sim/card-images/blocklist.json)',
    uid: '04A1B2C3D4E503',
    cardNumber: BLOCKED_CARD_NUMBER,
    balance: 8650,
    events: COMMUTE,
    diagnosis: ['blocked'],
  },
  {
    ...GZ_BASE,
    name: 't-union-open-trip',
    description: 'Guangzhou T-Union card whose newest trip is an entry at Tiyu Xilu without an exit',
    uid: '04A1B2C3D4E504',
    cardNumber: '3105810100040400033',
    balance: 9350,
    events: [...COMMUTE.slice(0, -1), { kind: 'entry', at: '2026-05-03 08:10:00', station: GZ.tiyuXilu }],
    // Two entries without an exit: 07:50 at Zhujiang New Town and 08:10 at Tiyu Xilu; each is an open trip.
    diagnosis: ['open-trip', 'open-trip'],
    notes: { openTripStation: GZ.tiyuXilu.en, openTripTime: '2026-05-03T08:10:00+08:00' },
  },
  {
    ...GZ_BASE,
    name: 't-union-low-balance',
    description: 'Guangzhou T-Union card with 1.50 yuan left; its hidden first serial digit is 1, not 0',
    uid: '04A1B2C3D4E505',
    cardNumber: '3105810100050500044',
    hiddenFirstDigit: '1',
    holderType: 'student',
    balance: 150,
    events: [
      { kind: 'top-up', at: '2026-04-28 19:00:00', amount: 1000 },
      { kind: 'entry', at: '2026-04-29 07:40:00', station: GZ.kecun },
      { kind: 'exit', at: '2026-04-29 08:05:00', station: GZ.tiyuXilu, fare: 400 },
      { kind: 'entry', at: '2026-04-29 17:30:00', station: GZ.tiyuXilu },
      { kind: 'exit', at: '2026-04-29 17:58:00', station: GZ.kecun, fare: 450 },
    ],
    diagnosis: ['low-balance'],
  },
  {
    ...GZ_BASE,
    name: 't-union-negative-balance',
    description: 'Guangzhou T-Union card overdrawn by 2.50 yuan: slot 0 = 0, slot 1 (overdraft) = 250',
    uid: '04A1B2C3D4E506',
    cardNumber: '3105810100060600055',
    holderType: 'elderly',
    balance: -250,
    events: [
      { kind: 'top-up', at: '2026-04-30 09:00:00', amount: 450 },
      { kind: 'entry', at: '2026-05-01 10:00:00', station: GZ.guangzhouRailwayStation },
      { kind: 'exit', at: '2026-05-01 10:52:00', station: GZ.cantonTower, fare: 700 },
    ],
    diagnosis: ['negative-balance'],
  },
  {
    ...GZ_BASE,
    name: 't-union-other-city',
    description: 'Beijing-issued T-Union card (city 1000) used on Guangzhou Metro',
    uid: '04A1B2C3D4E507',
    cityCode: '1000',
    provinceCode: '1100',
    cardNumber: '3101000200070700066',
    validFrom: '2022-05-01',
    validUntil: '2032-04-30',
    balance: 6100,
    events: [
      { kind: 'top-up', at: '2026-04-10 09:00:00', amount: 7000 },
      { kind: 'entry', at: '2026-05-02 14:00:00', station: GZ.guangzhouRailwayStation },
      { kind: 'exit', at: '2026-05-02 14:40:00', station: GZ.tiyuXilu, fare: 500 },
      { kind: 'entry', at: '2026-05-02 19:00:00', station: GZ.tiyuXilu },
      { kind: 'exit', at: '2026-05-02 19:20:00', station: GZ.gongyuanqian, fare: 400 },
    ],
    diagnosis: ['other-city'],
    notes: { stationCity: '5810' },
  },
  {
    ...GZ_BASE,
    name: 't-union-t0',
    description: 'Guangzhou T-Union card with T=0 manners: answers 61 xx (GET RESPONSE needed) and 6C xx for a wrong Le; slot 1 = 0',
    uid: '04A1B2C3D4E508',
    cardNumber: '3105810100080800077',
    hasSlot1: true,
    balance: 8650,
    events: COMMUTE,
    t0: { getResponse: true, exactLe: true },
    diagnosis: [],
  },
];

/** Every committed image, by name. */
export function buildCardImages(): readonly CardImage[] {
  const images = [
    ...T_UNION_SPECS.map(tUnionCard),
    cityUnionCard(),
    shenzhenTongCard(),
    beijingCard(),
    wuhanTongCard(),
    lingnanPassCard(),
    nonTransitCard(),
    garbageCard(),
    technicianCard(),
  ];
  for (const image of images) parseCardImage(image, image.name);
  return images;
}

/** The test blocklist: entries in the shape central sends down (shared/sync.ts BlocklistEntry). */
export function buildBlocklist(): { readonly description: string; readonly entries: readonly { readonly cardNumber: string; readonly reason: string }[] } {
  return {
    description: 'Test blocklist for the simulated cards; t-union-blocked is on it',
    entries: [
      { cardNumber: BLOCKED_CARD_NUMBER, reason: 'reported lost' },
      { cardNumber: '3105810100099999999', reason: 'fraud investigation' },
    ],
  };
}

export function renderJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/** Writes every image and the blocklist into `dir`; returns the file names written. */
export async function writeCardImages(dir: string = CARD_IMAGES_DIR): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const image of buildCardImages()) {
    await writeFile(path.join(dir, `${image.name}.json`), renderJson(image));
    written.push(`${image.name}.json`);
  }
  await writeFile(path.join(dir, 'blocklist.json'), renderJson(buildBlocklist()));
  written.push('blocklist.json');
  return written;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const files = await writeCardImages();
  console.log(`wrote ${files.length} files to ${path.relative(process.cwd(), CARD_IMAGES_DIR) || '.'}`);
}
