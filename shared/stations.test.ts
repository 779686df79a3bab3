import { describe, expect, it } from 'vitest';
import { lineAndStation, parseStationCsv, StationDirectory } from './stations.js';

const AT = '2026-11-30T00:00:00.000Z';
const GOOD = `# source: Guangzhou Metro line maps
city_code,line,station,line_zh,line_en,station_zh,station_en
5810,1,,1号线,Line 1,,
5810,1,14,1号线,Line 1,体育西路,Tiyu Xilu
1000,8,,8号线,Line 8,,
`;

describe('station tables from CSV', () => {
  it('reads one table per city with its source', () => {
    const r = parseStationCsv(GOOD, AT);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.map((t) => [t.cityCode, t.source, t.rows.length])).toEqual([
      ['5810', 'Guangzhou Metro line maps', 2],
      ['1000', 'Guangzhou Metro line maps', 1],
    ]);
    const dir = new StationDirectory(r.value);
    expect(dir.place('5810', 1, 14)).toEqual({ kind: 'station', line: { zh: '1号线', en: 'Line 1' }, station: { zh: '体育西路', en: 'Tiyu Xilu' } });
    expect(dir.place('5810', 1, 99)).toEqual({ kind: 'line', line: { zh: '1号线', en: 'Line 1' } });
    expect(dir.place('1000', 8, 3)).toEqual({ kind: 'line', line: { zh: '8号线', en: 'Line 8' } });
    expect(dir.place('1000', 9, 3)).toEqual({ kind: 'unknown' });
    expect(dir.place('2900', 1, 1)).toEqual({ kind: 'unknown' });
  });

  it('refuses a file with any bad line, saying which, and gives no table', () => {
    const bad = GOOD + '5810,x,1,1号线,Line 1,a,b\n58100,1,2,1号线,Line 1,a,b\n5810,1,14,1号线,Line 1,体育西路,Tiyu Xilu\n5810,2,3,2号线,Line 2,,\n';
    const r = parseStationCsv(bad, AT);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.map((e) => e.line)).toEqual([6, 7, 8, 9]);
    expect(r.error[2]!.message).toContain('appears twice');
    expect(parseStationCsv(GOOD.replace('# source: Guangzhou Metro line maps\n', ''), AT).ok).toBe(false);
    expect(parseStationCsv('# source: x\ncity,line\n', AT).ok).toBe(false);
  });

  it('takes the line and station numbers from 0x1E bytes 0x0A..0x0D, big-endian', () => {
    expect(lineAndStation('0001000E000000')).toEqual({ line: 1, station: 14 });
    expect(lineAndStation('0800')).toBeNull();
  });
});
