/**
 * Metro stations used in the images' trip records (0x1E bytes 0x0A..0x10). The 7 bytes are
 * city-specific and not published; the simulator uses the kiosk's demo encoding
 * (kiosk/i18n/stations.ts): byte 0 the line as BCD, byte 1 the station's number on that line
 * as BCD (`01 14` = Line 1, station 14, Tiyu Xilu), bytes 2..3 the gate number (BE), bytes 4..6 zero.
 */
import { concatBytes } from '../virtual-card/hex.js';
import { bcd, uintBE } from './encode.js';

export interface MetroStation {
  readonly line: number;
  readonly station: number;
  readonly zh: string;
  readonly en: string;
}

export const GUANGZHOU_STATIONS = {
  gongyuanqian: { line: 1, station: 9, zh: '公园前', en: 'Gongyuanqian' },
  yangji: { line: 1, station: 13, zh: '杨箕', en: 'Yangji' },
  tiyuXilu: { line: 1, station: 14, zh: '体育西路', en: 'Tiyu Xilu' },
  guangzhouRailwayStation: { line: 2, station: 6, zh: '广州火车站', en: 'Guangzhou Railway Station' },
  zhujiangNewTown: { line: 3, station: 7, zh: '珠江新城', en: 'Zhujiang New Town' },
  cantonTower: { line: 3, station: 8, zh: '广州塔', en: 'Canton Tower' },
  kecun: { line: 3, station: 9, zh: '客村', en: 'Kecun' },
} as const satisfies Record<string, MetroStation>;

const two = (n: number): string => String(n).padStart(2, '0');

export function stationBytes(s: MetroStation, gate = 1): Uint8Array {
  return concatBytes(bcd(two(s.line) + two(s.station)), uintBE(gate, 2), new Uint8Array(3));
}
