/**
 * Station names of the demo city (Guangzhou, city code 5810), keyed by the first two of the
 * seven line-and-station bytes of a trip record (T-Union file 0x1E, offset 0x0A): the line as
 * a BCD byte, then the station's number on that line as a BCD byte. `0114` is Line 1, station
 * 14 (体育西路 Tiyu Xilu). The simulated cards (hardware-sim/card-images) use the same keys.
 * Unknown bytes are shown as `station 0x0A0B`, never guessed.
 */
import type { Language } from '../../shared/ui-protocol.js';

export interface StationName {
  readonly line: number;
  readonly zh: string;
  readonly en: string;
}

export const DEMO_CITY_CODE = '5810';

const LINE_1: readonly [string, string][] = [
  ['西塱', 'Xilang'],
  ['坑口', 'Kengkou'],
  ['花地湾', 'Huadiwan'],
  ['芳村', 'Fangcun'],
  ['黄沙', 'Huangsha'],
  ['长寿路', 'Changshou Lu'],
  ['陈家祠', 'Chen Clan Academy'],
  ['西门口', 'Ximenkou'],
  ['公园前', 'Gongyuanqian'],
  ['农讲所', 'Peasant Movement Institute'],
  ['烈士陵园', "Martyrs' Park"],
  ['东山口', 'Dongshankou'],
  ['杨箕', 'Yangji'],
  ['体育西路', 'Tiyu Xilu'],
  ['体育中心', 'Tianhe Sports Center'],
  ['广州东站', 'Guangzhou East Railway Station'],
];

const LINE_2: readonly [string, string][] = [
  ['嘉禾望岗', 'Jiahewanggang'],
  ['白云大道北', 'Baiyun Avenue North'],
  ['萧岗', 'Xiaogang'],
  ['白云文化广场', 'Baiyun Cultural Square'],
  ['三元里', 'Sanyuanli'],
  ['广州火车站', 'Guangzhou Railway Station'],
  ['越秀公园', 'Yuexiu Park'],
  ['纪念堂', 'Memorial Hall'],
  ['公园前', 'Gongyuanqian'],
  ['海珠广场', 'Haizhu Square'],
  ['市二宫', 'Shi Ergong'],
  ['江南西', 'Jiangnanxi'],
  ['昌岗', 'Changgang'],
];

const LINE_3: readonly [string, string][] = [
  ['天河客运站', 'Tianhe Coach Terminal'],
  ['五山', 'Wushan'],
  ['华师', 'South China Normal University'],
  ['岗顶', 'Gangding'],
  ['石牌桥', 'Shipaiqiao'],
  ['体育西路', 'Tiyu Xilu'],
  ['珠江新城', 'Zhujiang New Town'],
  ['广州塔', 'Canton Tower'],
  ['客村', 'Kecun'],
  ['大塘', 'Datang'],
  ['沥滘', 'Lijiao'],
  ['厦滘', 'Xiajiao'],
];

const bcd = (n: number) => String(n).padStart(2, '0');

function table(): ReadonlyMap<string, StationName> {
  const m = new Map<string, StationName>();
  for (const [line, names] of [
    [1, LINE_1],
    [2, LINE_2],
    [3, LINE_3],
  ] as const) {
    names.forEach(([zh, en], i) => m.set(`${bcd(line)}${bcd(i + 1)}`, { line, zh, en }));
  }
  return m;
}

export const GUANGZHOU_STATIONS = table();

/** The station for a trip record's station bytes (hex, any length ≥ 4), or null when unknown. */
export function stationFor(cityCode: string, stationHex: string): StationName | null {
  if (cityCode !== DEMO_CITY_CODE) return null;
  return GUANGZHOU_STATIONS.get(stationHex.slice(0, 4).toUpperCase()) ?? null;
}

/** `Line 1 Tiyu Xilu` / `体育西路（1号线）`, or `station 0x0A0B` / `站点 0x0A0B`. */
export function stationLabel(lang: Language, cityCode: string, stationHex: string): { name: string; line: number | null } {
  const s = stationFor(cityCode, stationHex);
  if (s) return { name: lang === 'zh' ? s.zh : s.en, line: s.line };
  const code = `0x${stationHex.slice(0, 4).toUpperCase()}`;
  return { name: lang === 'zh' ? `站点 ${code}` : `station ${code}`, line: null };
}
