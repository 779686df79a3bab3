import { describe, expect, it } from 'vitest';
import type { CardTrip } from '../../shared/card.js';
import { parseStationCsv, StationDirectory } from '../../shared/stations.js';
import { tripLines } from './journeys.js';
import { KIOSK_STATIONS, placeLabel } from './stations.js';

const tables = parseStationCsv(
  `# source: test
city_code,line,station,line_zh,line_en,station_zh,station_en
5810,3,,3号线,Line 3,,
5810,3,9,3号线,Line 3,客村,Kecun
1000,8,,8号线,Line 8,,
`,
  '2026-11-30T00:00:00Z',
);
if (!tables.ok) throw new Error('bad test table');
const dir = new StationDirectory(tables.value);

describe('place names from station tables, never bytes', () => {
  it('says the station, else the line with its city, else the city', () => {
    expect(placeLabel('zh', '5810', '00030009000000', dir)).toBe('客村（3号线）');
    expect(placeLabel('en', '5810', '00030009000000', dir)).toBe('Kecun (Line 3)');
    expect(placeLabel('zh', '1000', '00080001000000', dir)).toBe('北京 8号线');
    expect(placeLabel('en', '1000', '00080001000000', dir)).toBe('Beijing Line 8');
    expect(placeLabel('zh', '1000', '0800', dir)).toBe('北京的车站');
    expect(placeLabel('en', '2900', '00010001000000', dir)).toBe('a station in Shanghai');
    expect(placeLabel('zh', '9999', '00010001000000', dir)).toBe('其他城市的车站');
  });

  it('dates every trip line, newest first, and marks every entry without an exit', () => {
    for (const t of tables.ok ? tables.value : []) KIOSK_STATIONS.put(t);
    const step = (kind: CardTrip['kind'], time: string, station: string, amount = 0): CardTrip =>
      ({ kind, mode: 'metro', amount, balanceAfter: 0, time, cityCode: '5810', station, terminal: '00', institution: '00' }) as unknown as CardTrip;
    const lines = tripLines('zh', [
      step('entry', '2026-05-03T00:10:00Z', '00030009000000'),
      step('exit', '2026-05-02T11:00:00Z', '00030009000000', 400),
      step('entry', '2026-05-02T10:30:00Z', '00030009000000'),
      step('entry', '2026-05-01T10:00:00Z', '00030009000000'),
    ]);
    expect(lines.map((l) => l.text)).toEqual([
      '2026年5月3日 08:10 客村（3号线）进站，没有出站记录',
      '2026年5月2日 18:30 客村（3号线）进站，19:00 客村（3号线）出站，4.00 元',
      '2026年5月1日 18:00 客村（3号线）进站，没有出站记录',
    ]);
    expect(lines.map((l) => l.open)).toEqual([true, false, true]);
    for (const l of lines) expect(l.text).not.toMatch(/0x|[0-9A-F]{6}/);
  });
});
