/**
 * Metro stations used in the images' trip records (0x1E bytes 0x0A..0x10). The 7 bytes are
 * city-specific and not published; the simulator's encoding is: byte 0 line number, byte 1
 * station number on that line, bytes 2..3 gate number (BE), bytes 4..6 zero. The numbers below
 * are plausible, not Guangzhou Metro's own codes.
 */
import { concatBytes } from '../card/hex.js';
import { uintBE } from './encode.js';

export interface MetroStation {
  readonly line: number;
  readonly station: number;
  readonly zh: string;
  readonly en: string;
}

export const GUANGZHOU_STATIONS = {
  gongyuanqian: { line: 0x01, station: 0x05, zh: '公园前', en: 'Gongyuanqian' },
  tiyuXilu: { line: 0x01, station: 0x0a, zh: '体育西路', en: 'Tiyu Xilu' },
  zhujiangNewTown: { line: 0x03, station: 0x08, zh: '珠江新城', en: 'Zhujiang New Town' },
  guangzhouSouth: { line: 0x02, station: 0x01, zh: '广州南站', en: 'Guangzhou South Railway Station' },
  kecun: { line: 0x08, station: 0x0c, zh: '客村', en: 'Kecun' },
  airportSouth: { line: 0x03, station: 0x1e, zh: '机场南', en: 'Airport South' },
} as const satisfies Record<string, MetroStation>;

export function stationBytes(s: MetroStation, gate = 1): Uint8Array {
  return concatBytes(Uint8Array.of(s.line, s.station), uintBE(gate, 2), new Uint8Array(3));
}
