/**
 * The insight views' query parsing and CSV writing, without a database: what a supervisor's
 * filter becomes (Beijing dates to epoch ms, defaults), what is refused and with which words,
 * and CSV a spreadsheet reads right and never runs as formulas.
 */
import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../central/insight/csv.js';
import { InsightQueryError, parseInsightQuery } from '../../central/insight/filter.js';
import { beijingMidnight } from '../../shared/shanghai-date.js';
import { INSIGHT_CSV_PARTS, INSIGHT_VIEWS, insightPath } from '../../shared/insight.js';

// 2026-12-01 01:30 Beijing is still 2026-11-30 in UTC: "today" must be the Beijing date.
const NOW = new Date('2026-11-30T17:30:00Z');

function refused(view: string, query: Record<string, unknown>): InsightQueryError {
  try {
    parseInsightQuery(view, query, NOW);
  } catch (e) {
    if (e instanceof InsightQueryError) return e;
    throw e;
  }
  throw new Error(`accepted ${JSON.stringify(query)}`);
}

describe('insight filter', () => {
  it('turns Beijing dates into an epoch-ms range, both ends inclusive', () => {
    const q = parseInsightQuery('tickets', { from: '2026-11-01', to: '2026-11-30', station: 'GZ-TIYUXILU', kiosk: 'GZ0102', category: 'gate', channel: 'report', line: '3号线' }, NOW);
    expect(q.fromMs).toBe(Date.parse('2026-10-31T16:00:00Z'));
    expect(q.toMs).toBe(Date.parse('2026-11-30T16:00:00Z'));
    expect(q.filter).toEqual({ from: '2026-11-01', to: '2026-11-30', line: '3号线', stationId: 'GZ-TIYUXILU', kioskId: 'GZ0102', category: 'gate', channel: 'report' });
    expect(q.format).toBe('json');
    expect(q.part).toBeNull();
  });

  it('defaults to the last 30 days up to today in Beijing, and a lone from or to', () => {
    expect(parseInsightQuery('calls', {}, NOW).filter).toMatchObject({ from: '2026-11-02', to: '2026-12-01' });
    expect(parseInsightQuery('calls', { from: '2026-11-20' }, NOW).filter).toMatchObject({ from: '2026-11-20', to: '2026-12-01' });
    expect(parseInsightQuery('calls', { to: '2026-06-30' }, NOW).filter).toMatchObject({ from: '2026-06-01', to: '2026-06-30' });
    // A range of exactly 400 days passes; 401 does not.
    expect(parseInsightQuery('devices', { from: '2025-10-28', to: '2026-12-01' }, NOW).filter.from).toBe('2025-10-28');
    expect(refused('devices', { from: '2025-10-27', to: '2026-12-01' }).message).toBe('the range covers 401 days; at most 400 days at a time');
  });

  it('chooses CSV and its part, the first part by default', () => {
    for (const view of INSIGHT_VIEWS) {
      expect(parseInsightQuery(view, { format: 'csv' }, NOW).part).toBe(INSIGHT_CSV_PARTS[view][0]);
      for (const part of INSIGHT_CSV_PARTS[view]) expect(parseInsightQuery(view, { format: 'csv', part }, NOW).part).toBe(part);
    }
  });

  it('refuses what is not a filter, naming the key', () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ station_id: 'x' }, 'unknown-filter', /^unknown filter key "station_id"; the keys are from, to, line, station, kiosk, category, channel, format, part$/],
      [{ a: '1', b: '2' }, 'unknown-filter', /^unknown filter keys "a", "b"/],
      [{ from: ['2026-11-01', '2026-11-02'] }, 'repeated-filter', /give "from" once/],
      [{ from: '2026-13-01' }, 'invalid-date', /"from" must be a date/],
      [{ to: '2026-02-29' }, 'invalid-date', /"to" must be a date/],
      [{ from: '26-11-01' }, 'invalid-date', /"from" must be a date/],
      [{ from: '2100-01-01' }, 'invalid-date', /between 2000 and 2099/],
      [{ from: '2026-11-02', to: '2026-11-01' }, 'invalid-range', /"from" \(2026-11-02\) is after "to" \(2026-11-01\)/],
      [{ kiosk: 'GZ 0102' }, 'invalid-filter', /"kiosk" is not a kiosk id/],
      [{ kiosk: '-GZ' }, 'invalid-filter', /"kiosk" is not a kiosk id/],
      [{ station: "GZ'--" }, 'invalid-filter', /"station" is not a station id/],
      [{ station: 'S'.repeat(65) }, 'invalid-filter', /longer than 64 characters/],
      [{ line: 'Line\n1' }, 'invalid-filter', /"line" is not a line name/],
      [{ category: 'GATE' }, 'invalid-filter', /"category" must be one of: card-problem, gate/],
      [{ channel: 'video' }, 'invalid-filter', /"channel" must be one of: report, callback, emergency, device-fault/],
      [{ station: '' }, 'empty-filter', /"station" is empty/],
      [{ part: 'byDay' }, 'invalid-filter', /"part" goes with format=csv/],
    ];
    for (const [query, code, message] of cases) {
      const e = refused('tickets', query);
      expect(e.statusCode, JSON.stringify(query)).toBe(400);
      expect(e.code, JSON.stringify(query)).toBe(code);
      expect(e.message, JSON.stringify(query)).toMatch(message);
    }
    const view = refused('<script>', {});
    expect(view.statusCode).toBe(404);
    expect(view.message).toBe('there is no insight view "<script>"; the views are tickets, response, satisfaction, calls, devices');
  });

  it('knows which dates exist', () => {
    expect(beijingMidnight('2028-02-29')).toBe(Date.parse('2028-02-28T16:00:00Z'));
    expect(beijingMidnight('2027-02-29')).toBeNull();
    expect(beijingMidnight('2026-04-31')).toBeNull();
  });

  it('builds the links the page uses, and they parse back to the same filter', () => {
    const path = insightPath('satisfaction', { from: '2026-11-01', to: '2026-11-07', stationId: 'GZ-TIYUXILU', line: 'Line 3' }, { part: 'reasons' });
    expect(path).toBe('/v1/staff/insight/satisfaction?from=2026-11-01&to=2026-11-07&line=Line+3&station=GZ-TIYUXILU&format=csv&part=reasons');
    const url = new URL(path, 'http://central');
    const q = parseInsightQuery('satisfaction', Object.fromEntries(url.searchParams), NOW);
    expect(q.filter).toMatchObject({ from: '2026-11-01', to: '2026-11-07', stationId: 'GZ-TIYUXILU', line: 'Line 3' });
    expect(q.part).toBe('reasons');
  });
});

describe('insight CSV', () => {
  it('writes a header and one line per row, nested figures as their own columns', () => {
    const csv = toCsv([
      { day: '2026-11-01', count: 3, average: 4.33, scores: [0, 0, 1, 0, 2] },
      { day: '2026-11-02', count: 0, average: null, scores: [0, 0, 0, 0, 0] },
    ]);
    expect(csv).toBe('\uFEFFday,count,average,scores.1,scores.2,scores.3,scores.4,scores.5\r\n2026-11-01,3,4.33,0,0,1,0,2\r\n2026-11-02,0,,0,0,0,0,0\r\n');
    expect(toCsv([{ category: 'gate', close: { count: 2, p50Minutes: 12 } }])).toBe('\uFEFFcategory,close.count,close.p50Minutes\r\ngate,2,12\r\n');
  });

  it('quotes commas, quotes and line breaks, and keeps formulas from running', () => {
    expect(csvCell('等待时间太长, 很失望')).toBe('"等待时间太长, 很失望"');
    expect(csvCell('He said "fine"')).toBe('"He said ""fine"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+86 138')).toBe("'+86 138");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(-1)).toBe('-1');
    expect(csvCell(null)).toBe('');
  });

  it('writes only the header for no rows when told the columns', () => {
    expect(toCsv([], ['kioskId', 'faults'])).toBe('\uFEFFkioskId,faults\r\n');
  });
});
