import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CARD_FAMILIES, CARD_READ_ERROR_CODES, type CardFamily, type CardSummary } from '../../shared/card.js';
import { toHex } from './bytes.js';
import { hashUid, readCard } from './read-card.js';
import { encodeBalance, encodeTransactionRecord, encodeTripRecord, encodeTUnionInfo } from './encode.js';
import { ScriptedTransport, ScriptViolation, type ScriptStep } from './scripted-transport.js';
import type { ApduTransport } from './transport.js';

const UID = '04A1B2C3D4E5F6';
const h = (b: Uint8Array) => toHex(b);
const step = (command: string, response: string): ScriptStep => ({ command, response });

const INFO = encodeTUnionInfo({ cityCode: '5810', serial: '03105120000012347984', validFrom: '2021-03-01', validUntil: '2031-02-28' });
const MGMT_17 = '00000156' + '4400' + '5810' + '0000' + '01' + '00'.repeat(49); // byte 10: normal
const TX = [
  encodeTransactionRecord({ counter: 12, overdraft: 0, amount: 400, typeCode: 0x09, terminal: '581000000123', time: '2024-05-17T08:30:15+08:00' }),
  encodeTransactionRecord({ counter: 11, overdraft: 0, amount: 5000, typeCode: 0x02, terminal: '581000000999', time: '2024-05-16T19:00:00+08:00' }),
];
const trip = (typeCode: number, time: string, amount: number) =>
  encodeTripRecord({
    typeCode,
    modeCode: 0x01,
    terminal: '1122334455667788',
    station: '01020304050607',
    amount,
    balanceAfter: 4600,
    time,
    cityCode: '5810',
    institution: '01015810FFFFFFFF',
  });
const TRIPS = [trip(0x04, '2024-05-17T08:30:15+08:00', 400), trip(0x03, '2024-05-17T08:05:00+08:00', 0)];

/** FCI of the T-Union application, with file 0x15 repeated as 9F0C when `with15`. */
function tUnionFci(with15: boolean): string {
  const df = '8408A000000632010105';
  const a5 = with15 ? `9F0C1E${h(INFO)}` : '5F2D027A68';
  const inner = `${df}A5${(a5.length / 2).toString(16).padStart(2, '0')}${a5}`;
  return `6F${(inner.length / 2).toString(16).padStart(2, '0')}${inner}`;
}

interface TUnionScriptOptions {
  readonly fci15?: boolean;
  readonly slot1?: number | null;
  readonly transactions?: readonly Uint8Array[];
  readonly trips?: readonly Uint8Array[];
}

/** The exact APDU sequence the driver must send for a T-Union card, and the card's answers. */
function tUnionScript(o: TUnionScriptOptions = {}): ScriptStep[] {
  const fci15 = o.fci15 ?? true;
  const slot1 = o.slot1 === undefined ? 500 : o.slot1;
  const txs = o.transactions ?? TX;
  const trips = o.trips ?? TRIPS;
  return [
    step('00A4040008A00000063201010500', `${tUnionFci(fci15)}9000`),
    step('805C000204', `${h(encodeBalance(5000))}9000`),
    step('805C010204', slot1 === null ? '6A86' : `${h(encodeBalance(slot1))}9000`),
    ...(fci15 ? [] : [step('00B0950000', `${h(INFO)}9000`)]),
    step('FFCA000000', `${UID}9000`),
    step('00B0970000', `${MGMT_17}9000`),
    ...txs.map((r, i) => step(`00B2${(i + 1).toString(16).padStart(2, '0')}C400`, `${h(r)}9000`)),
    ...(txs.length < 10 ? [step(`00B2${(txs.length + 1).toString(16).padStart(2, '0')}C400`, '6A83')] : []),
    ...trips.map((r, i) => step(`00B2${(i + 1).toString(16).padStart(2, '0')}F400`, `${h(r)}9000`)),
    step(`00B2${(trips.length + 1).toString(16).padStart(2, '0')}F400`, '6A83'),
  ];
}

const FAST_PATH_APDUS = 3; // SELECT (with 9F0C), balance slot 0, slot 1; then UID, 0x17 and the logs

async function readScripted(steps: readonly ScriptStep[], o: { readonly removeAt?: number; readonly familyHint?: CardFamily } = {}) {
  const transport = new ScriptedTransport(steps, o.removeAt === undefined ? {} : { removeAt: o.removeAt });
  const summaries: { summary: CardSummary; sentBefore: number }[] = [];
  const result = await readCard(transport, {
    now: () => new Date('2024-05-18T02:00:00Z'),
    commandTimeoutMs: 200,
    onSummary: (summary) => summaries.push({ summary, sentBefore: transport.sent.length }),
    ...(o.familyHint === undefined ? {} : { familyHint: o.familyHint }),
  });
  return { result, summaries, transport };
}

describe('readCard, T-Union', () => {
  it('reads the whole card with the FCI shortcut and the fewest APDUs', async () => {
    const steps = tUnionScript();
    const { result, summaries, transport } = await readScripted(steps);
    expect(transport.remaining).toBe(0);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const s = result.value;
    expect(s).toMatchObject({
      family: 't-union',
      cardNumber: '3105120000012347984',
      cityCode: '5810',
      validFrom: '2021-03-01',
      validUntil: '2031-02-28',
      balance: 4500,
      currency: 'CNY',
      balanceSlots: { slot0: 5000, slot1: 500 },
      holderType: 'normal',
      aid: 'A000000632010105',
      uidHash: hashUid(Buffer.from(UID, 'hex')),
      readAt: '2024-05-18T02:00:00.000Z',
      apduCount: steps.length,
    });
    expect(s.transactions.map((t) => [t.counter, t.kind, t.amount])).toEqual([
      [12, 'trip', 400],
      [11, 'top-up', 5000],
    ]);
    expect(s.trips.map((t) => [t.kind, t.mode, t.time])).toEqual([
      ['exit', 'metro', '2024-05-17T08:30:15+08:00'],
      ['entry', 'metro', '2024-05-17T08:05:00+08:00'],
    ]);
    expect(summaries).toHaveLength(1);
    expect(summaries[0]!.sentBefore).toBe(FAST_PATH_APDUS);
    const { transactions: _t, trips: _r, readAt: _a, apduCount: _c, ...summaryPart } = s;
    // the summary has everything but what is read after it: the UID and the holder type
    expect(summaries[0]!.summary).toEqual({ ...summaryPart, uidHash: null, holderType: 'unknown' });
  });

  it('reads file 0x15 when the FCI does not carry it; slot 1 refused counts as 0', async () => {
    const { result, transport } = await readScripted(tUnionScript({ fci15: false, slot1: null }));
    expect(transport.remaining).toBe(0);
    expect(result).toMatchObject({ ok: true, value: { cardNumber: '3105120000012347984', balance: 5000, balanceSlots: { slot0: 5000, slot1: null } } });
  });

  it('a negative T-Union balance (slot 1 above slot 0)', async () => {
    const { result } = await readScripted(tUnionScript({ slot1: 5200 }));
    expect(result).toMatchObject({ ok: true, value: { balance: -200 } });
  });

  it('stops at an all-zero record without asking for the next', async () => {
    const steps = tUnionScript({ transactions: [TX[0]!, new Uint8Array(23)], trips: [] });
    // the all-zero record ends the log: drop the scripted 6A83 that would follow it
    const cut = steps.filter((s) => s.command !== '00B203C400');
    const { result, transport } = await readScripted(cut);
    expect(transport.remaining).toBe(0);
    expect(result).toMatchObject({ ok: true, value: { transactions: [{ counter: 12 }], trips: [] } });
  });

  it('stops after 10 transaction records without asking for an 11th', async () => {
    const ten = Array.from({ length: 10 }, (_, i) =>
      encodeTransactionRecord({ counter: 100 - i, overdraft: 0, amount: 200, typeCode: 0x06, terminal: '000000000001', time: null }),
    );
    const { result, transport } = await readScripted(tUnionScript({ transactions: ten, trips: [] }));
    expect(transport.remaining).toBe(0);
    expect(result.ok && result.value.transactions.map((t) => t.counter)).toEqual(ten.map((_, i) => 100 - i));
  });

  it('follows 61xx with GET RESPONSE and 6Cxx with a resend', async () => {
    const steps = tUnionScript();
    const balanceAt = steps.findIndex((s) => s.command === '805C000204');
    const recordAt = steps.findIndex((s) => s.command === '00B201C400');
    const t0: ScriptStep[] = [
      ...steps.slice(0, balanceAt),
      step('805C000204', '6104'),
      step('00C0000004', `${h(encodeBalance(5000))}9000`),
      ...steps.slice(balanceAt + 1, recordAt),
      step('00B201C400', '6C17'),
      step('00B201C417', '610A'),
      step('00C000000A', `${h(TX[0]!.subarray(0, 10))}610D`),
      step('00C000000D', `${h(TX[0]!.subarray(10))}9000`),
      ...steps.slice(recordAt + 1),
    ];
    const { result, transport } = await readScripted(t0);
    expect(transport.remaining).toBe(0);
    expect(result).toMatchObject({ ok: true, value: { balance: 4500, apduCount: t0.length, transactions: [{ counter: 12, amount: 400 }, { counter: 11 }] } });
  });

  it('removal before any APDU position gives card-removed, never a snapshot', async () => {
    const steps = tUnionScript();
    for (let n = 0; n < steps.length; n++) {
      const { result, summaries } = await readScripted(steps, { removeAt: n });
      expect(result, `removed at APDU ${n}`).toMatchObject({ ok: false, error: { code: 'card-removed' } });
      // the summary was announced only when its APDUs had all been answered
      expect(summaries.length, `summary when removed at ${n}`).toBe(n >= FAST_PATH_APDUS ? 1 : 0);
      if (n >= 1 && !result.ok) expect(result.error.family).toBe('t-union');
    }
  });

  it('a card that stops answering gives timeout', async () => {
    const steps = tUnionScript();
    const hung: ScriptStep[] = [...steps.slice(0, 2), { command: '805C010204', hang: true }];
    const { result } = await readScripted(hung);
    expect(result).toMatchObject({ ok: false, error: { code: 'timeout', family: 't-union' } });
  });

  it('garbage: a 1-byte answer, a short 0x15, an unexpected status word', async () => {
    const [select, slot0, slot1] = tUnionScript({ fci15: false });
    const oneByte = await readScripted([step('00A4040008A00000063201010500', '90')]);
    expect(oneByte.result).toMatchObject({ ok: false, error: { code: 'unreadable-card' } });
    const short = await readScripted([select!, slot0!, slot1!, step('00B0950000', '01029000')]);
    expect(short.result).toMatchObject({ ok: false, error: { code: 'unreadable-card', family: 't-union', detail: '0x15' } });
    const steps = tUnionScript();
    const at = steps.findIndex((s) => s.command === '00B201C400');
    const badSw = await readScripted([...steps.slice(0, at), step('00B201C400', '6F00')]);
    expect(badSw.result).toMatchObject({ ok: false, error: { code: 'unreadable-card', detail: '6F00' } });
    expect(badSw.summaries).toHaveLength(1);
  });

  it('the scripted transport refuses anything unscripted (a test cannot pass by accident)', async () => {
    await expect(readCard(new ScriptedTransport([step('00A4040008A00000063201010500', '6A82')]))).rejects.toBeInstanceOf(ScriptViolation);
  });
});

const SELECT_T_UNION = step('00A4040008A00000063201010500', '6A82');
const SELECT_CITY_UNION = step('00A4040009A0000000038698070100', '6A82');
const SELECT_SZT = step('00A40400075041592E535A5400', '6A82');
const SELECT_OC = step('00A40400024F4300', '6A82');
const SELECT_PBOC = step('00A404000450424F4300', '6A82');
const SELECT_WUHAN = step('00A40400094150312E574843544300', '6A82');
const SELECT_LINGNAN = step('00A40400085041592E5449434C00', '6A82');
const SELECT_PURSE_DF = step('00A4000002100100', '6A82');
/** nfsee's Beijing card's answer to SELECT DF 1001: DF name `PBOC`, which names no family. */
const PBOC_FCI = '6F08840450424F43A500';
const F04 = '100075123456789A' + '00'.repeat(16) + '20200101' + '20301231';

const answers = (s: ScriptStep, response: string): ScriptStep => ({ command: s.command, response });

const PBOC_15 = '01015840FFFFFFFF' + '0201' + '000000000000' + '4E61BC00' + '20190701' + '20290630' + '0000';

/** nfsee's Beijing card on a cold reader: DF 1001 (PBOC) gives the balance, MF file 0x04 tells Beijing, back into DF 1001 for the log. */
const BEIJING_COLD: readonly ScriptStep[] = [
  SELECT_T_UNION,
  SELECT_CITY_UNION,
  answers(SELECT_PURSE_DF, `${PBOC_FCI}9000`),
  step('805C000204', '000000649000'),
  step('00A40000023F00', '9000'),
  step('00B0840000', `${F04}9000`),
  answers(SELECT_PURSE_DF, `${PBOC_FCI}9000`),
  step('FFCA000000', `${UID}9000`),
  step('00B201C400', '6A82'),
];

/** A card that refuses every family's purse SELECT (by name and DF 1001), in the cold order: what comes before Beijing's MF file 0x04. */
const EVERY_PURSE_REFUSED: readonly ScriptStep[] = [SELECT_T_UNION, SELECT_CITY_UNION, SELECT_PURSE_DF, SELECT_LINGNAN, SELECT_WUHAN, SELECT_SZT];

/** Wuhan Tong's number (0x0A) and dates (0x05), read at the MF after the balance: 1234567890, 2018-06-01 to 2028-05-31. */
const WUHAN_MF_FILES: readonly ScriptStep[] = [
  step('00A40000023F00', '9000'),
  step('00B08A0000', `1234567890${'00'.repeat(22)}9000`),
  step('00B0850000', `${'00'.repeat(16)}2028053120180601${'01'}${'00'.repeat(7)}9000`),
];
/** Wuhan Tong's purse DF 1001 named `AP1.WHCTC`, as nfsee's reader found Wuhan cards (2020–2026). */
const WUHAN_PURSE_FCI = '6F0D84094150312E5748435443A500';

/**
 * A Wuhan Tong card whose DF 1001 answers with the generic name PBOC (as in nfsee's reader mock):
 * that purse answers GET BALANCE with `purseBalance`; MF file 0x04 is not there, AP1.WHCTC is, and
 * its own purse holds 5.01.
 */
const wuhanBehindGenericPurse = (purseBalance: string): ScriptStep[] => [
  SELECT_T_UNION,
  SELECT_CITY_UNION,
  answers(SELECT_PURSE_DF, `${PBOC_FCI}9000`),
  step('805C000204', purseBalance),
  step('00A40000023F00', '9000'),
  step('00B0840000', '6A82'),
  SELECT_LINGNAN,
  answers(SELECT_WUHAN, '9000'),
  step('805C000204', '000001F59000'),
  ...WUHAN_MF_FILES,
  answers(SELECT_WUHAN, '9000'),
  step('FFCA000000', `${UID}9000`),
  step('00B201C400', '6A83'),
];

describe('readCard, other families', () => {
  it('City Union: a non-BCD account outside Shanghai is bytes 16..19 big-endian; balance as 31-bit signed, no trips', async () => {
    const { result, transport } = await readScripted([
      SELECT_T_UNION,
      answers(SELECT_CITY_UNION, '6F0A8408A0000000038698079000'),
      step('805C000204', '800007D09000'),
      step('00B0950000', `${PBOC_15}9000`),
      step('FFCA000000', `${UID}9000`),
      step('00B201C400', `${h(TX[0]!)}9000`),
      step('00B202C400', '6A83'),
    ]);
    expect(transport.remaining).toBe(0);
    expect(result).toMatchObject({
      ok: true,
      value: { family: 'city-union', cardNumber: '1315027968', cityCode: '5840', balance: 2000, balanceSlots: { slot0: 0x800007d0, slot1: null }, holderType: 'unknown', trips: [] },
    });
  });

  it('Shenzhen Tong: little-endian number with check digit', async () => {
    const { result, transport } = await readScripted([
      SELECT_T_UNION,
      SELECT_CITY_UNION,
      SELECT_PURSE_DF,
      SELECT_LINGNAN,
      SELECT_WUHAN,
      answers(SELECT_SZT, '9000'),
      step('805C000204', '000003E89000'),
      step('00B0950000', `${PBOC_15}9000`),
      step('FFCA000000', `${UID}9000`),
      step('00B201C400', '6A83'),
    ]);
    expect(transport.remaining).toBe(0);
    expect(result).toMatchObject({ ok: true, value: { family: 'shenzhen-tong', cardNumber: '123456784', cityCode: '5840', balance: 1000, transactions: [] } });
  });

  it('Beijing: DF 1001 answers with the generic name PBOC, so the balance goes out with the family still to be told (4 APDUs), then MF file 0x04 (starts 1000) tells Beijing', async () => {
    const { result, transport, summaries } = await readScripted(BEIJING_COLD);
    expect(transport.remaining).toBe(0);
    expect(result).toMatchObject({
      ok: true,
      value: { family: 'beijing', aid: '50424F43', cardNumber: '100075123456789A', cityCode: '1000', validUntil: '2030-12-31', balance: 100 },
    });
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ sentBefore: 4, summary: { family: null, aid: '50424F43', cardNumber: null, cityCode: null, validUntil: null, balance: 100 } });
  });

  it('Beijing after a Beijing card on this reader: DF 1001 right after T-Union, balance after 3 APDUs', async () => {
    // the cold read without City Union's refused SELECT: DF 1001 comes right after T-Union
    const warm = BEIJING_COLD.filter((x) => x !== SELECT_CITY_UNION);
    const { result, transport, summaries } = await readScripted(warm, { familyHint: 'beijing' });
    expect(transport.remaining).toBe(0);
    expect(summaries[0]).toMatchObject({ sentBefore: 3, summary: { family: null, balance: 100 } });
    expect(result).toMatchObject({ ok: true, value: { family: 'beijing', cardNumber: '100075123456789A' } });
  });

  it('Beijing without DF 1001 whose MF file 0x04 is not readable at detection: its DF by name, balance, then 0x04 at the MF and back', async () => {
    const { result, transport, summaries } = await readScripted([
      ...EVERY_PURSE_REFUSED,
      step('00B0840000', '6A82'),
      SELECT_PBOC,
      answers(SELECT_OC, '9000'),
      step('805C000204', '000000649000'),
      step('00A40000023F00', '9000'),
      step('00B0840000', `${F04}9000`),
      answers(SELECT_OC, '9000'),
      step('FFCA000000', `${UID}9000`),
      step('00B201C400', '6A82'),
    ]);
    expect(transport.remaining).toBe(0);
    expect(result).toMatchObject({ ok: true, value: { family: 'beijing', aid: '4F43', cardNumber: '100075123456789A', balance: 100 } });
    // the balance came before the number: the summary says the number is not read yet
    expect(summaries[0]).toMatchObject({ sentBefore: 10, summary: { family: 'beijing', cardNumber: null, cityCode: null, validUntil: null, balance: 100 } });
  });

  it('Beijing without DF 1001: MF file 0x04 read while the MF is current, then its DF by name', async () => {
    const { result, transport, summaries } = await readScripted([
      ...EVERY_PURSE_REFUSED,
      step('00B0840000', `${F04}9000`),
      answers(SELECT_PBOC, '9000'),
      step('805C000204', '000000649000'),
      step('FFCA000000', `${UID}9000`),
      step('00B201C400', '6A82'),
    ]);
    expect(transport.remaining).toBe(0);
    expect(result).toMatchObject({ ok: true, value: { family: 'beijing', aid: '50424F43', cardNumber: '100075123456789A' } });
    expect(summaries[0]).toMatchObject({ sentBefore: 9, summary: { family: 'beijing', cardNumber: '100075123456789A' } });
  });

  it('an MF file 0x04 that is not Beijing\'s (not 1000…) does not make the card Beijing', async () => {
    const { result, transport } = await readScripted([
      ...EVERY_PURSE_REFUSED,
      step('00B0840000', `${'31'.repeat(32)}9000`),
      SELECT_PBOC,
      SELECT_OC,
      step('FFCA000000', `${UID}9000`),
    ]);
    expect(transport.remaining).toBe(0);
    expect(result).toMatchObject({ ok: false, error: { code: 'unsupported-card' } });
  });

  it('DF 1001 named PAY.SZT is a Shenzhen Tong card: its number from the FCI, balance after 4 APDUs, no second SELECT', async () => {
    const fci = `6F32${'8407'}5041592E535A54A5279F080102${'9F0C20'}0000000000000000FD21000051800000A344C213201703142027031410100000`;
    const { result, transport, summaries } = await readScripted([
      SELECT_T_UNION,
      SELECT_CITY_UNION,
      answers(SELECT_PURSE_DF, `${fci}9000`),
      step('805C000204', '8000164E9000'),
      step('FFCA000000', `${UID}9000`),
      step('00B201C400', '6A83'),
    ]);
    expect(transport.remaining).toBe(0);
    expect(summaries[0]).toMatchObject({ sentBefore: 4, summary: { family: 'shenzhen-tong', aid: '5041592E535A54', cardNumber: '3314986592', balance: 5710 } });
    expect(result).toMatchObject({ ok: true, value: { family: 'shenzhen-tong', cardNumber: '3314986592' } });
  });

  it('a purse DF 1001 named PBOC on a card whose MF file 0x04 is not Beijing\'s: the family is told by the names that follow, and the snapshot carries that application\'s own balance', async () => {
    const { result, transport, summaries } = await readScripted(wuhanBehindGenericPurse('000001F49000'));
    expect(transport.remaining).toBe(0);
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ sentBefore: 4, summary: { family: null, balance: 500 } });
    expect(result).toMatchObject({ ok: true, value: { family: 'wuhan-tong', aid: '4150312E5748435443', cardNumber: '1234567890', balance: 501 } });
  });

  it('a purse DF 1001 that refuses GET BALANCE sends no summary until its family is told', async () => {
    const { result, transport, summaries } = await readScripted(wuhanBehindGenericPurse('6985'));
    expect(transport.remaining).toBe(0);
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ sentBefore: 9, summary: { family: 'wuhan-tong', balance: 501 } });
    expect(result).toMatchObject({ ok: true, value: { family: 'wuhan-tong', balance: 501 } });
  });

  it('a purse DF 1001 of no family this kiosk reads: its balance was shown, the read ends as an unsupported card', async () => {
    const { result, transport, summaries } = await readScripted([
      SELECT_T_UNION,
      SELECT_CITY_UNION,
      answers(SELECT_PURSE_DF, '9000'),
      step('805C000204', '000000649000'),
      step('00A40000023F00', '6A82'),
      SELECT_LINGNAN,
      SELECT_WUHAN,
      SELECT_SZT,
      SELECT_PBOC,
      SELECT_OC,
      step('FFCA000000', `${UID}9000`),
    ]);
    expect(transport.remaining).toBe(0);
    expect(summaries[0]).toMatchObject({ sentBefore: 4, summary: { family: null, aid: '1001', balance: 100 } });
    expect(result).toMatchObject({ ok: false, error: { code: 'unsupported-card' } });
  });

  it('removal at any APDU of a Beijing read through DF 1001 gives card-removed, with the family once MF file 0x04 told it', async () => {
    const steps = BEIJING_COLD;
    for (let n = 0; n < steps.length; n++) {
      const { result, summaries } = await readScripted(steps, { removeAt: n });
      expect(result, `removed at APDU ${n}`).toMatchObject({ ok: false, error: { code: 'card-removed' } });
      expect(summaries.length, `summary when removed at ${n}`).toBe(n >= 4 ? 1 : 0);
      if (!result.ok) expect(result.error.family, `removed at ${n}`).toBe(n >= 6 ? 'beijing' : undefined);
    }
  });

  it('Wuhan Tong by its purse DF 1001 named AP1.WHCTC: the balance after 4 APDUs cold, then 0x0A number and 0x05 dates at the MF, back into DF 1001 for the log', async () => {
    const { result, transport, summaries } = await readScripted([
      SELECT_T_UNION,
      SELECT_CITY_UNION,
      answers(SELECT_PURSE_DF, `${WUHAN_PURSE_FCI}9000`),
      step('805C000204', '000001F49000'),
      ...WUHAN_MF_FILES,
      answers(SELECT_PURSE_DF, `${WUHAN_PURSE_FCI}9000`),
      step('FFCA000000', `${UID}9000`),
      step('00B201C400', '6A83'),
    ]);
    expect(transport.remaining).toBe(0);
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ sentBefore: 4, summary: { family: 'wuhan-tong', aid: '4150312E5748435443', cardNumber: null, validUntil: null, balance: 500 } });
    expect(result).toMatchObject({ ok: true, value: { family: 'wuhan-tong', cardNumber: '1234567890', validFrom: '2018-06-01', validUntil: '2028-05-31', balance: 500 } });
  });

  it('Wuhan Tong without DF 1001: by its name AP1.WHCTC, the MF files after the balance, back in by name', async () => {
    const { result, transport, summaries } = await readScripted([
      SELECT_T_UNION,
      SELECT_CITY_UNION,
      SELECT_PURSE_DF,
      SELECT_LINGNAN,
      answers(SELECT_WUHAN, '9000'),
      step('805C000204', '000001F49000'),
      ...WUHAN_MF_FILES,
      answers(SELECT_WUHAN, '9000'),
      step('FFCA000000', `${UID}9000`),
      step('00B201C400', '6A83'),
    ]);
    expect(transport.remaining).toBe(0);
    expect(result).toMatchObject({ ok: true, value: { family: 'wuhan-tong', cardNumber: '1234567890', validFrom: '2018-06-01', validUntil: '2028-05-31', balance: 500 } });
    expect(summaries[0]).toMatchObject({ sentBefore: 6, summary: { family: 'wuhan-tong', cardNumber: null, validUntil: null, balance: 500 } });
  });

  it('Wuhan Tong whose number file is not at the MF: the balance was shown, the read ends as an unreadable card of that family', async () => {
    const { result, transport, summaries } = await readScripted([
      SELECT_T_UNION,
      SELECT_CITY_UNION,
      answers(SELECT_PURSE_DF, `${WUHAN_PURSE_FCI}9000`),
      step('805C000204', '000001F49000'),
      step('00A40000023F00', '9000'),
      step('00B08A0000', '6A82'),
    ]);
    expect(transport.remaining).toBe(0);
    expect(summaries).toHaveLength(1);
    expect(result).toMatchObject({ ok: false, error: { code: 'unreadable-card', family: 'wuhan-tong', detail: '6A82' } });
  });

  it('Lingnan Pass: detected by its purse PAY.TICL, balance, then 0x15 under PAY.APPY and back to PAY.TICL for the log', async () => {
    const { result, transport, summaries } = await readScripted([
      SELECT_T_UNION,
      SELECT_CITY_UNION,
      SELECT_PURSE_DF,
      answers(SELECT_LINGNAN, '9000'),
      step('805C000204', '000009C49000'),
      step('00A40400085041592E4150505900', '9000'),
      step('00B0950000', `${'00'.repeat(11)}5100012345${'00'.repeat(14)}9000`),
      answers(SELECT_LINGNAN, '9000'),
      step('FFCA000000', `${UID}9000`),
      step('00B201C400', `${h(TX[1]!)}9000`),
      step('00B202C400', '6A83'),
    ]);
    expect(transport.remaining).toBe(0);
    expect(result).toMatchObject({ ok: true, value: { family: 'lingnan-pass', aid: '5041592E5449434C', cardNumber: '5100012345', balance: 2500, transactions: [{ kind: 'top-up' }] } });
    expect(summaries[0]).toMatchObject({ sentBefore: 5, summary: { cardNumber: null, balance: 2500 } });
  });

  it('the family last read on this reader goes right after T-Union: a Lingnan Pass card in 3 APDUs', async () => {
    const { result, transport, summaries } = await readScripted(
      [
        SELECT_T_UNION,
        answers(SELECT_LINGNAN, '9000'),
        step('805C000204', '000009C49000'),
        step('00A40400085041592E4150505900', '9000'),
        step('00B0950000', `${'00'.repeat(11)}5100012345${'00'.repeat(14)}9000`),
        answers(SELECT_LINGNAN, '9000'),
        step('FFCA000000', `${UID}9000`),
        step('00B201C400', '6A83'),
      ],
      { familyHint: 'lingnan-pass' },
    );
    expect(transport.remaining).toBe(0);
    expect(summaries[0]?.sentBefore).toBe(3);
    expect(result).toMatchObject({ ok: true, value: { family: 'lingnan-pass', cardNumber: '5100012345' } });
  });

  it('a wrong hint costs one refused SELECT, never a wrong family: a City Union card after a Shenzhen Tong card', async () => {
    const { result, transport, summaries } = await readScripted(
      [
        SELECT_T_UNION,
        SELECT_SZT,
        answers(SELECT_CITY_UNION, '6F0A8408A0000000038698079000'),
        step('805C000204', '800007D09000'),
        step('00B0950000', `${PBOC_15}9000`),
        step('FFCA000000', `${UID}9000`),
        step('00B201C400', '6A83'),
      ],
      { familyHint: 'shenzhen-tong' },
    );
    expect(transport.remaining).toBe(0);
    expect(summaries[0]?.sentBefore).toBe(4);
    expect(result).toMatchObject({ ok: true, value: { family: 'city-union', cardNumber: '1315027968' } });
  });

  it('a hint never moves Beijing\'s generic DF names (PBOC, OC) before another family: only DF 1001 and MF file 0x04 move', async () => {
    const { result, transport } = await readScripted(
      [
        SELECT_T_UNION,
        SELECT_PURSE_DF,
        step('00B0840000', '6A82'),
        answers(SELECT_CITY_UNION, '6F0A8408A0000000038698079000'),
        step('805C000204', '800007D09000'),
        step('00B0950000', `${PBOC_15}9000`),
        step('FFCA000000', `${UID}9000`),
        step('00B201C400', '6A83'),
      ],
      { familyHint: 'beijing' },
    );
    expect(transport.remaining).toBe(0);
    expect(result).toMatchObject({ ok: true, value: { family: 'city-union' } });
  });

  it('a SELECT answer that is not an FCI stops the read before any balance is shown', async () => {
    const { result, summaries, transport } = await readScripted([step('00A4040008A00000063201010500', '6F1A8408A00000069000')]);
    expect(transport.remaining).toBe(0);
    expect(result).toMatchObject({ ok: false, error: { code: 'unreadable-card', detail: 'FCI' } });
    expect(summaries).toHaveLength(0);
  });

  it('a card answering none of the names is unsupported, its UID kept only as a hash', async () => {
    const { result, transport } = await readScripted([
      ...EVERY_PURSE_REFUSED,
      step('00B0840000', '6A82'),
      SELECT_PBOC,
      SELECT_OC,
      step('FFCA000000', `${UID}9000`),
    ]);
    expect(transport.remaining).toBe(0);
    expect(result).toEqual({ ok: false, error: { code: 'unsupported-card', message: 'not a supported transit card', detail: `uid sha256 ${hashUid(Buffer.from(UID, 'hex'))}` } });
    expect(JSON.stringify(result)).not.toContain(UID);
  });
});

describe('readCard on random answers', () => {
  it('always resolves to a snapshot or a typed CardReadError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 70 }), { maxLength: 40 }), async (answersList) => {
        let i = 0;
        const transport: ApduTransport = { transmit: () => Promise.resolve(answersList[i++] ?? Uint8Array.of(0x6a, 0x82)) };
        const r = await readCard(transport, { commandTimeoutMs: 1000 });
        if (!r.ok) {
          expect(CARD_READ_ERROR_CODES).toContain(r.error.code);
          return;
        }
        // a snapshot out of random bytes must still be well-formed: every APDU counted, logs
        // within their record limits, a balance that is an integer amount of fen
        const s = r.value;
        expect(CARD_FAMILIES).toContain(s.family);
        expect(s.apduCount).toBe(i);
        expect(s.transactions.length).toBeLessThanOrEqual(10);
        expect(s.trips.length).toBeLessThanOrEqual(30);
        expect(Number.isInteger(s.balance)).toBe(true);
        expect(s.cardNumber.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});
