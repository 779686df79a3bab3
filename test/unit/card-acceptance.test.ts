// Whether a card pays at this station, over every card family of the simulator and every
// published real card (test/fixtures/cards), each read in process by the real readCard.
import { describe, expect, it } from 'vitest';
import { readCard } from '../../driver/card/read-card.js';
import type { CardSnapshot } from '../../shared/card.js';
import { CardEngine, loadCardImage, type CardImage } from '../../hardware-sim/virtual-card/index.js';
import { loadPublishedCards, publishedCardImage } from '../support/published-cards.js';
import { diagnosisLine } from '../../kiosk/i18n/card-words.js';
import { cardUseAt, DEFAULT_ACCEPTED_CARDS } from '../../kiosk/diagnosis/acceptance.js';
import { diagnose, type DiagnoseContext } from '../../kiosk/diagnosis/diagnose.js';

async function read(image: CardImage): Promise<CardSnapshot> {
  const engine = new CardEngine(image);
  const r = await readCard({ transmit: (apdu) => Promise.resolve(engine.transmit(apdu)) });
  if (!r.ok) throw new Error(`${image.name}: ${r.error.code}`);
  return r.value;
}

const GUANGZHOU = '5810';
const BEIJING = '1000';
const at = (stationCityCode: string, more: Partial<DiagnoseContext> = {}): DiagnoseContext => ({
  today: '2020-01-01',
  stationCityCode,
  lowBalanceThreshold: 0,
  blocklist: new Map(),
  ...more,
});
const acceptance = (card: CardSnapshot, ctx: DiagnoseContext) => diagnose(card, ctx).filter((d) => d.code === 'not-accepted' || d.code === 'other-city');

/** The simulator's cards at a Guangzhou station that takes T-Union cards: facts, not the code's output. */
const SIM_AT_GUANGZHOU: Record<string, 'home' | 'other-city' | 'not-t-union'> = {
  't-union-guangzhou-ok': 'home',
  't-union-other-city': 'other-city', // a Beijing T-Union card pays everywhere in the network
  'city-union': 'not-t-union', // Qingdao, housing ministry scheme
  'shenzhen-tong': 'not-t-union',
  beijing: 'not-t-union',
  'wuhan-tong': 'not-t-union',
  'lingnan-pass': 'home', // the Guangdong cards' common scheme
};

/** Published real cards at a Guangzhou station. */
const PUBLISHED_AT_GUANGZHOU: Record<string, 'home' | 'other-city' | 'not-t-union'> = {
  'beijing-nfsee': 'not-t-union',
  'city-union-chongqing-nfsee': 'not-t-union',
  'city-union-hangzhou-cnblogs': 'not-t-union',
  'city-union-hangzhou-youngbug': 'not-t-union',
  'lingnan-pass-cardemulator': 'home',
  'shenzhen-tong-nfsee': 'not-t-union',
  't-union-beijing-cardemulator': 'other-city',
  't-union-nfsee': 'other-city',
};

function expectVerdict(card: CardSnapshot, name: string, verdict: 'home' | 'other-city' | 'not-t-union') {
  const found = acceptance(card, at(GUANGZHOU));
  if (verdict === 'home') expect(found, name).toEqual([]);
  else if (verdict === 'other-city') expect(found, name).toMatchObject([{ code: 'other-city', via: 't-union', stationCity: GUANGZHOU }]);
  else expect(found, name).toMatchObject([{ code: 'not-accepted', reason: 'not-t-union', family: card.family, stationCity: GUANGZHOU }]);
}

const published = (await loadPublishedCards()).filter((c) => !c.balanceOnly);

describe('whether a card pays at this station, and why', () => {
  it.each(Object.entries(SIM_AT_GUANGZHOU))('simulated %s at a Guangzhou station', async (name, verdict) => {
    expectVerdict(await read(await loadCardImage(name)), name, verdict);
  });

  it('every replayable published card has a verdict here', () => {
    expect(published.map((c) => c.name).sort()).toEqual(Object.keys(PUBLISHED_AT_GUANGZHOU).sort());
  });
  it.each(published.map((c) => [c.name, c] as const))('published %s at a Guangzhou station', async (name, c) => {
    expectVerdict(await read(publishedCardImage(c)), name, PUBLISHED_AT_GUANGZHOU[name]!);
  });

  it('tells a Beijing or Wuhan city card that is not T-Union that it does not work here, and why, in both languages', async () => {
    const beijing = acceptance(await read(await loadCardImage('beijing')), at(GUANGZHOU))[0]!;
    const zh = diagnosisLine('zh', beijing);
    expect(zh).toMatchObject({ severity: 'problem', title: '这张北京的北京一卡通不能在广州乘车' });
    expect(zh.advice).toContain('它不是“交通联合”卡，只能在北京使用');
    const en = diagnosisLine('en', beijing);
    expect(en.title).toBe('This Beijing card (Beijing Yikatong) cannot pay for rides in Guangzhou');
    expect(en.advice).toContain('It is not a T-Union card, so it works only in Beijing.');
    const wuhan = acceptance(await read(await loadCardImage('wuhan-tong')), at(GUANGZHOU))[0]!;
    expect(wuhan).toMatchObject({ code: 'not-accepted', family: 'wuhan-tong', cardCity: '5210', reason: 'not-t-union' });
    expect(diagnosisLine('en', wuhan).advice).toContain('works only in Wuhan');
    expect(diagnosisLine('zh', wuhan).title).toBe('这张武汉的武汉通不能在广州乘车');
  });

  it('a city card is at home in its own city: a Beijing card at a Beijing station is told nothing', async () => {
    expect(acceptance(await read(await loadCardImage('beijing')), at(BEIJING))).toEqual([]);
    expect(acceptance(await read(await loadCardImage('t-union-guangzhou-ok')), at(BEIJING))).toMatchObject([{ code: 'other-city', cardCity: GUANGZHOU, via: 't-union' }]);
  });

  it("follows the station's accepted card list: a listed family or city pays, T-Union can be refused", async () => {
    const qingdao = await read(await loadCardImage('city-union'));
    expect(acceptance(qingdao, at(GUANGZHOU, { acceptedCards: { tUnion: true, families: ['city-union'], cities: [] } }))).toMatchObject([
      { code: 'other-city', cardCity: '4520', via: 'station-list' },
    ]);
    expect(acceptance(qingdao, at(GUANGZHOU, { acceptedCards: { tUnion: true, families: [], cities: ['4520'] } }))).toMatchObject([{ code: 'other-city', via: 'station-list' }]);
    const beijingTUnion = await read(await loadCardImage('t-union-other-city'));
    const refused = acceptance(beijingTUnion, at(GUANGZHOU, { acceptedCards: { tUnion: false, families: [], cities: [] } }));
    expect(refused).toMatchObject([{ code: 'not-accepted', reason: 't-union-not-accepted' }]);
    expect(diagnosisLine('en', refused[0]!).title).toBe('This station does not take T-Union cards of other cities');
    expect(acceptance(await read(await loadCardImage('t-union-guangzhou-ok')), at(GUANGZHOU, { acceptedCards: { tUnion: false, families: [], cities: [] } }))).toEqual([]);
  });

  it('a card that names no city and is not T-Union is told we cannot tell, and offered an agent', () => {
    const use = cardUseAt({ family: 'city-union', cityCode: null }, GUANGZHOU, DEFAULT_ACCEPTED_CARDS);
    expect(use).toEqual({ usable: false, because: 'city-unknown', cardCity: null });
    const line = diagnosisLine('zh', { code: 'not-accepted', family: 'city-union', cardCity: null, stationCity: GUANGZHOU, reason: 'city-unknown' });
    expect(line).toMatchObject({ title: '无法确认这张城市一卡通能否在广州乘车', offerAgent: true });
  });

  it('is the most serious finding after card validity, before trips and balance', async () => {
    const card = { ...(await read(await loadCardImage('beijing'))), balance: 100 };
    expect(diagnose(card, at(GUANGZHOU, { lowBalanceThreshold: 500 })).map((d) => d.code)).toEqual(['not-yet-valid', 'not-accepted', 'low-balance']);
  });
});
