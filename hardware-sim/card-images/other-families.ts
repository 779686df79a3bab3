/** Images of the other card families (CARDS.md, "Families"), a non-transit card, a garbage card and the technician card. */
import type { CardFileImage, CardImage, ExpectedCardValues } from '../virtual-card/image.js';
import { concatBytes, fromHex, toHex } from '../../shared/bytes.js';
import { ascii, bcdDate, bcdTime, record, tlv, uintBE, uintLE } from '../../shared/card-encoders.js';

export interface PurseEvent {
  readonly at: string;
  readonly kind: 'top-up' | 'purchase';
  readonly amount: number;
}

const fciOf = (name: Uint8Array): string => toHex(tlv('6F', tlv('84', name), tlv('A5', tlv('9F08', Uint8Array.of(0x02)))));

/** 0x18 records, newest first, padded with empty records to 10. */
function purseLog(events: readonly PurseEvent[]): { records: string[]; count: number } {
  const recs = events.map((e, i) =>
    record(23, [
      [0, uintBE(0x20 + i, 2)],
      [5, uintBE(e.amount, 4)],
      [9, Uint8Array.of(e.kind === 'top-up' ? 0x02 : 0x06)],
      [10, fromHex('0A0000000' + String(i + 1).padStart(3, '0'))],
      [16, bcdTime(e.at)],
    ]),
  );
  recs.reverse();
  const count = Math.min(10, recs.length);
  const padded = [...recs.slice(0, 10), ...Array.from({ length: Math.max(0, 10 - recs.length) }, () => new Uint8Array(23))];
  return { records: padded.map(toHex), count };
}

const SHOPPING: readonly PurseEvent[] = [
  { at: '2026-04-28 09:12:05', kind: 'top-up', amount: 10000 },
  { at: '2026-04-29 18:40:51', kind: 'purchase', amount: 300 },
  { at: '2026-05-02 07:55:10', kind: 'purchase', amount: 200 },
];

/**
 * Diagnoses are those at a Guangzhou (5810) station that takes T-Union cards: none of these
 * families is T-Union, so only a Guangdong card (Lingnan Pass) pays there; the others are
 * `not-accepted`.
 */
function pbocExpected(e: Omit<ExpectedCardValues, 'holderType' | 'trips' | 'diagnosis'>): ExpectedCardValues {
  const guangdong = e.family === 'lingnan-pass';
  return { holderType: 'unknown', trips: 0, diagnosis: guangdong ? [] : ['not-accepted'], ...e };
}

export function cityUnionCard(): CardImage {
  const aid = fromHex('A00000000386980701');
  // Bytes 12..19: the account number in BCD, starting with the city code, as on the published
  // Hangzhou cards (test/fixtures/cards/city-union-hangzhou-*.json).
  const file15 = record(30, [
    [0, fromHex('0101 4520 FFFFFFFF')],
    [8, Uint8Array.of(0x02, 0x01)],
    [12, fromHex('4520 0000 1234 5678')],
    [20, bcdDate('2022-07-01')],
    [24, bcdDate('2032-06-30')],
  ]);
  const log = purseLog(SHOPPING);
  return {
    name: 'city-union',
    description: 'City Union (城市一卡通互联互通, PBOC) card issued in Qingdao; number = BCD account in 0x15 bytes 12..19',
    uid: '04C1D2E3',
    historicalBytes: '',
    applications: [
      { aid: toHex(aid), fci: fciOf(aid), files: [{ sfi: 0x15, binary: toHex(file15) }, { sfi: 0x18, records: log.records }], balance: { slot0: 9500 } },
    ],
    expected: pbocExpected({
      family: 'city-union',
      cardNumber: '4520000012345678',
      cityCode: '4520',
      validFrom: '2022-07-01',
      validUntil: '2032-06-30',
      balance: 9500,
      balanceSlots: { slot0: 9500, slot1: null },
      transactions: log.count,
    }),
  };
}

const shenzhenCheckDigit = (n: string): number => (10 - ([...n].reduce((s, c) => s + Number(c), 0) % 10)) % 10;

export function shenzhenTongCard(): CardImage {
  const aid = ascii('PAY.SZT');
  const number = 362_781_234;
  const file15 = record(30, [
    [0, fromHex('4480 5840 0000 0000')],
    [8, Uint8Array.of(0x01, 0x01)],
    [16, uintLE(number, 4)],
    [20, bcdDate('2019-09-01')],
    [24, bcdDate('2029-08-31')],
  ]);
  const log = purseLog(SHOPPING);
  return {
    name: 'shenzhen-tong',
    description:
      'Shenzhen Tong (深圳通): number = bytes 16..19 of 0x15 little-endian, plus a check digit; its purse answers SELECT DF 1001 too, as the published Shenzhen card does (nfcim/nfsee tests/reader-mock.js)',
    uid: '04A7B8C9',
    historicalBytes: '',
    applications: [{ aid: toHex(aid), fid: '1001', fci: fciOf(aid), files: [{ sfi: 0x15, binary: toHex(file15) }, { sfi: 0x18, records: log.records }], balance: { slot0: 4260 } }],
    expected: pbocExpected({
      family: 'shenzhen-tong',
      cardNumber: `${number}${shenzhenCheckDigit(String(number))}`,
      cityCode: '5840',
      validFrom: '2019-09-01',
      validUntil: '2029-08-31',
      balance: 4260,
      balanceSlots: { slot0: 4260, slot1: null },
      transactions: log.count,
    }),
  };
}

export function beijingCard(): CardImage {
  const name = ascii('PBOC');
  const file04 = record(32, [
    [0, fromHex('1000 7510 0458 3312')],
    [8, fromHex('0201')],
    [24, bcdDate('2020-01-10')],
    [28, bcdDate('2030-01-09')],
  ]);
  const log = purseLog(SHOPPING.slice(0, 2));
  return {
    name: 'beijing',
    description: 'Beijing (北京市政交通一卡通): DF 1001 named PBOC (not OC), number = hex of bytes 0..7 of file 0x04 at the MF (outside the application)',
    uid: '04B0B1B2',
    historicalBytes: '',
    mfFiles: [{ sfi: 0x04, binary: toHex(file04) }],
    applications: [
      { aid: toHex(name), fid: '1001', fci: fciOf(name), files: [{ sfi: 0x18, records: log.records }], balance: { slot0: 2350 } },
    ],
    expected: pbocExpected({
      family: 'beijing',
      cardNumber: '1000751004583312',
      cityCode: '1000',
      validFrom: '2020-01-10',
      validUntil: '2030-01-09',
      balance: 2350,
      balanceSlots: { slot0: 2350, slot1: null },
      transactions: log.count,
    }),
  };
}

export function wuhanTongCard(): CardImage {
  const name = ascii('AP1.WHCTC');
  // both files at the MF, at least 27 bytes (sinpolib/nfcard reads them there and wants 27)
  const file0A = record(32, [[0, fromHex('2701 3389 15')]]);
  const file05 = record(32, [
    [16, bcdDate('2033-12-31')],
    [20, bcdDate('2023-01-01')],
    [24, Uint8Array.of(0x01)],
  ]);
  const log = purseLog(SHOPPING);
  return {
    name: 'wuhan-tong',
    description:
      'Wuhan Tong (武汉通): number = hex of 0x0A bytes 0..4, 0x05 start at 20..23 and expiry at 16..19, both files at the MF (sinpolib/nfcard, nfcim/nfsee); its purse DF 1001 is named AP1.WHCTC, as nfsee\'s reader found it',
    uid: '04D1D2D3',
    historicalBytes: '',
    mfFiles: [
      { sfi: 0x0a, binary: toHex(file0A) },
      { sfi: 0x05, binary: toHex(file05) },
    ],
    applications: [{ aid: toHex(name), fid: '1001', fci: fciOf(name), files: [{ sfi: 0x18, records: log.records }], balance: { slot0: 1870 } }],
    expected: pbocExpected({
      family: 'wuhan-tong',
      cardNumber: '2701338915',
      cityCode: null,
      validFrom: '2023-01-01',
      validUntil: '2033-12-31',
      balance: 1870,
      balanceSlots: { slot0: 1870, slot1: null },
      transactions: log.count,
    }),
  };
}

export function lingnanPassCard(): CardImage {
  const info = ascii('PAY.APPY');
  const purse = ascii('PAY.TICL');
  const file15 = record(30, [
    [0, fromHex('5100 5810 0000 0000')],
    [11, fromHex('5180 2261 97')],
  ]);
  const log = purseLog(SHOPPING);
  const files: CardFileImage[] = [{ sfi: 0x18, records: log.records }];
  return {
    name: 'lingnan-pass',
    description: 'Lingnan Pass (岭南通/羊城通): info 0x15 under PAY.APPY (number = hex of bytes 11..15), purse under PAY.TICL',
    uid: '04E1E2E3',
    historicalBytes: '',
    applications: [
      { aid: toHex(info), fci: fciOf(info), files: [{ sfi: 0x15, binary: toHex(file15) }] },
      { aid: toHex(purse), fci: fciOf(purse), files, balance: { slot0: 6630 } },
    ],
    expected: pbocExpected({
      family: 'lingnan-pass',
      cardNumber: '5180226197',
      cityCode: null,
      validFrom: null,
      validUntil: null,
      balance: 6630,
      balanceSlots: { slot0: 6630, slot1: null },
      transactions: log.count,
    }),
  };
}

export function nonTransitCard(): CardImage {
  const aid = fromHex('A000000333010101');
  return {
    name: 'non-transit',
    description: 'A bank card (UnionPay debit AID only): answers no transit application',
    uid: '08123456',
    historicalBytes: '',
    applications: [{ aid: toHex(aid), fci: toHex(tlv('6F', tlv('84', aid), tlv('A5', tlv('50', ascii('UnionPay Debit'))))) }],
    expected: { family: null, readError: 'unsupported-card' },
  };
}

export function garbageCard(): CardImage {
  const aid = fromHex('A000000632010105');
  return {
    name: 'garbage',
    description: 'Claims T-Union but answers SELECT with a truncated FCI and file 0x15 with 8 bytes: unreadable',
    uid: '04DEAD01',
    historicalBytes: '',
    applications: [
      {
        aid: toHex(aid),
        fci: '',
        selectAnswer: '6F1A8408A0000006' + '9000',
        files: [{ sfi: 0x15, binary: '0101581002013105' }],
        balance: { slot0: 0xffffffff },
      },
    ],
    expected: { family: 't-union', readError: 'unreadable-card' },
  };
}

/**
 * The demo technician card's private key (ECDSA P-256). It lives only in this card image (the
 * simulated chip); central's demo seed enrols the matching public key
 * (central/seed/demo-technician.ts). Make your own cards with `npm run -s sim -- technician-card`.
 */
export const TECHNICIAN_DEMO_PRIVATE_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQghpi5HLdIcylsPqVC
zy0QGMs5f4Xuli4xXPwUEOrcZwOhRANCAAQGXp5KBZxU2DiqZsAawIJWTreBLiIG
YlzjIozUUWl0ObVL6oNr2u51GXp2fOoKYDIjc8fmbrNNwyw4lAVZkLA/
-----END PRIVATE KEY-----
`;
/** The demo card's PIN, checked by the card itself. */
export const TECHNICIAN_DEMO_PIN = '482913';

/** A technician card image: the applet with its own key pair and PIN (see shared/technician-card.ts). */
export function technicianCard(options: { name?: string; technicianId?: string; privateKeyPem?: string; pin?: string; pinTries?: number; uid?: string } = {}): CardImage {
  const technicianId = options.technicianId ?? 'GZ-T-0042';
  const aidHex = toHex(concatBytes(Uint8Array.of(0xf0), ascii('SKTECH'), Uint8Array.of(0x01)));
  return {
    name: options.name ?? 'technician',
    description: `Field technician card ${technicianId}: proprietary AID F0 53 4B 54 45 43 48 01, GET DATA of the technician id and key id, VERIFY PIN counted by the card, INTERNAL AUTHENTICATE signed with its ECDSA P-256 key`,
    uid: options.uid ?? '04EC0042',
    historicalBytes: '',
    applications: [
      {
        aid: aidHex,
        fci: toHex(tlv('6F', tlv('84', fromHex(aidHex)), tlv('A5', tlv('50', ascii('SKTECH'))))),
        technician: {
          technicianId,
          privateKeyPem: options.privateKeyPem ?? TECHNICIAN_DEMO_PRIVATE_KEY,
          pin: options.pin ?? TECHNICIAN_DEMO_PIN,
          ...(options.pinTries !== undefined ? { pinTries: options.pinTries } : {}),
        },
      },
    ],
    expected: { family: null, readError: 'unsupported-card', notes: { technicianId } },
  };
}

