/**
 * Metro stations used in the images' trip records (0x1E bytes 0x0A..0x10): the line number
 * (0x0A..0x0B, BE), the station number (0x0C..0x0D, BE), the gate (0x0E..0x0F, BE), one zero
 * byte. The numbers are those of the shipped Guangzhou station table
 * (central/seed/stations/5810-guangzhou.csv): `00 01 00 0E` is Line 1, station 14, Tiyu Xilu.
 */
import { concatBytes } from '../../shared/bytes.js';
import { uintBE } from '../../shared/card-encoders.js';

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
  guangzhouRailwayStation: { line: 2, station: 9, zh: '广州火车站', en: 'Guangzhou Railway Station' },
  zhujiangNewTown: { line: 3, station: 7, zh: '珠江新城', en: 'Zhujiang New Town' },
  cantonTower: { line: 3, station: 8, zh: '广州塔', en: 'Canton Tower' },
  kecun: { line: 3, station: 9, zh: '客村', en: 'Kecun' },
} as const satisfies Record<string, MetroStation>;


export function stationBytes(s: MetroStation, gate = 1): Uint8Array {
  return concatBytes(uintBE(s.line, 2), uintBE(s.station, 2), uintBE(gate, 2), new Uint8Array(1));
}
