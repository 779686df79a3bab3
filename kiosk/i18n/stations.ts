/**
 * Where a trip step happened, in words, from the station tables central sends down
 * (shared/stations.ts): the station and its line, else the line and the city ("北京 8号线"),
 * else the city ("北京的车站"). Never the raw bytes.
 */
import { lineAndStation, StationDirectory } from '../../shared/stations.js';
import type { Language } from '../../shared/ui-protocol.js';
import { knownCityLabel } from './card-words.js';

/**
 * The kiosk's tables: filled from the down-sync cache when the store opens and whenever a
 * station change arrives (kiosk/store/down-sync-cache.ts).
 */
export const KIOSK_STATIONS = new StationDirectory();

/** `体育西路（1号线）` / `Tiyu Xilu (Line 1)`, `广州 1号线` / `Guangzhou Line 1`, `广州的车站` / `a station in Guangzhou`. */
export function placeLabel(lang: Language, cityCode: string, stationHex: string, directory: StationDirectory = KIOSK_STATIONS): string {
  const key = lineAndStation(stationHex);
  const place = key ? directory.place(cityCode, key.line, key.station) : ({ kind: 'unknown' } as const);
  const city = knownCityLabel(lang, cityCode);
  switch (place.kind) {
    case 'station':
      return lang === 'zh' ? `${place.station.zh}（${place.line.zh}）` : `${place.station.en} (${place.line.en})`;
    case 'line':
      if (city === null) return lang === 'zh' ? place.line.zh : place.line.en;
      return lang === 'zh' ? `${city} ${place.line.zh}` : `${city} ${place.line.en}`;
    case 'unknown':
      if (city === null) return lang === 'zh' ? '其他城市的车站' : 'a station in another city';
      return lang === 'zh' ? `${city}的车站` : `a station in ${city}`;
  }
}
