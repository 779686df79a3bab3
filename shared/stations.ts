/**
 * Station tables: what a trip record's line and station numbers mean, per city. Data, not code:
 * central imports them from CSV (`central stations import FILE`) and sends them down to kiosks.
 *
 * Keys are the numbers as the card stores them in T-Union file 0x1E (CARDS.md): the line is
 * bytes 0x0A..0x0B and the station bytes 0x0C..0x0D, each big-endian. A row with no station
 * names the line only.
 *
 * CSV, UTF-8, one header line, `#` lines are comments (the first one names the source):
 *
 *     # source: Guangzhou Metro published line maps
 *     city_code,line,station,line_zh,line_en,station_zh,station_en
 *     5810,1,,1号线,Line 1,,
 *     5810,1,14,1号线,Line 1,体育西路,Tiyu Xilu
 */
import { err, ok, type Result } from './result.js';

export interface Words {
  readonly zh: string;
  readonly en: string;
}

export interface StationRow {
  readonly line: number;
  /** null: the row names the line only. */
  readonly station: number | null;
  readonly lineName: Words;
  readonly stationName: Words | null;
}

/** One city's table; importing a city's table replaces the whole of it. */
export interface StationTable {
  /** 4 digits, as the card's city code (`5810` Guangzhou). */
  readonly cityCode: string;
  /** Where the names come from, as the file's first comment says. */
  readonly source: string;
  readonly rows: readonly StationRow[];
  readonly updatedAt: string;
}

export interface StationCsvError {
  /** 1-based line of the file. */
  readonly line: number;
  readonly message: string;
}

const HEADER = ['city_code', 'line', 'station', 'line_zh', 'line_en', 'station_zh', 'station_en'];
const CITY_CODE = /^\d{4}$/;
const MAX_NUMBER = 0xffff;

/** Splits one CSV line (RFC 4180 quoting with `"` and `""`). */
function splitCsvLine(line: string): string[] | null {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"' && cur === '') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (quoted) return null;
  out.push(cur);
  return out.map((s) => s.trim());
}

function number(s: string): number | null {
  if (!/^\d{1,5}$/.test(s)) return null;
  const n = Number(s);
  return n <= MAX_NUMBER ? n : null;
}

/**
 * Parses a station CSV into one table per city. Every problem is reported with its line; any
 * problem means no table (an import changes nothing unless the whole file is right).
 */
export function parseStationCsv(text: string, updatedAt: string): Result<StationTable[], StationCsvError[]> {
  const errors: StationCsvError[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let source = '';
  let header = false;
  const byCity = new Map<string, Map<string, StationRow>>();
  lines.forEach((raw, i) => {
    const n = i + 1;
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^#\s*source:\s*(.+)$/i.exec(line);
      if (m && source === '') source = m[1]!.trim();
      return;
    }
    const cells = splitCsvLine(line);
    if (!cells) return void errors.push({ line: n, message: 'a quoted cell is not closed' });
    if (!header) {
      if (cells.join(',') !== HEADER.join(',')) errors.push({ line: n, message: `the header must be ${HEADER.join(',')}` });
      header = true;
      return;
    }
    if (cells.length !== HEADER.length) return void errors.push({ line: n, message: `${cells.length} cells, need ${HEADER.length}` });
    const [city, lineText, stationText, lineZh, lineEn, stationZh, stationEn] = cells as [string, string, string, string, string, string, string];
    if (!CITY_CODE.test(city)) return void errors.push({ line: n, message: `city_code "${city}" is not 4 digits` });
    const lineNo = number(lineText);
    if (lineNo === null) return void errors.push({ line: n, message: `line "${lineText}" is not a number from 0 to 65535` });
    const stationNo = stationText === '' ? null : number(stationText);
    if (stationText !== '' && stationNo === null) return void errors.push({ line: n, message: `station "${stationText}" is not a number from 0 to 65535` });
    if (lineZh === '' || lineEn === '') return void errors.push({ line: n, message: 'line_zh and line_en are both needed' });
    if (stationNo !== null && (stationZh === '' || stationEn === '')) return void errors.push({ line: n, message: 'station_zh and station_en are both needed for a station' });
    if (stationNo === null && (stationZh !== '' || stationEn !== '')) return void errors.push({ line: n, message: 'a station name needs a station number' });
    let rows = byCity.get(city);
    if (!rows) byCity.set(city, (rows = new Map<string, StationRow>()));
    const key = `${lineNo}/${stationNo ?? ''}`;
    if (rows.has(key)) return void errors.push({ line: n, message: `line ${lineNo}${stationNo === null ? '' : ` station ${stationNo}`} appears twice` });
    rows.set(key, { line: lineNo, station: stationNo, lineName: { zh: lineZh, en: lineEn }, stationName: stationNo === null ? null : { zh: stationZh, en: stationEn } });
  });
  if (!header) errors.push({ line: 1, message: 'the file has no header line' });
  if (source === '') errors.push({ line: 1, message: 'the file does not name its source (a first line "# source: …")' });
  if (errors.length === 0 && byCity.size === 0) errors.push({ line: 1, message: 'the file has no rows' });
  if (errors.length > 0) return err(errors);
  return ok([...byCity].map(([cityCode, rows]) => ({ cityCode, source, rows: [...rows.values()], updatedAt })));
}

/** The line and station numbers of a trip record's line-and-station bytes (hex of 0x1E 0x0A..0x10). */
export function lineAndStation(stationHex: string): { readonly line: number; readonly station: number } | null {
  if (!/^[0-9a-fA-F]{8}/.test(stationHex)) return null;
  return { line: parseInt(stationHex.slice(0, 4), 16), station: parseInt(stationHex.slice(4, 8), 16) };
}

/** What the tables know about a place: the station with its line, the line only, or nothing. */
export type KnownPlace =
  | { readonly kind: 'station'; readonly line: Words; readonly station: Words }
  | { readonly kind: 'line'; readonly line: Words }
  | { readonly kind: 'unknown' };

/** Every city's table, looked up by city, line and station. */
export class StationDirectory {
  private readonly tables = new Map<string, { readonly lines: Map<number, Words>; readonly stations: Map<string, StationRow> }>();

  constructor(tables: readonly StationTable[] = []) {
    for (const t of tables) this.put(t);
  }

  /** Replaces the city's table. */
  put(table: StationTable): void {
    const lines = new Map<number, Words>();
    const stations = new Map<string, StationRow>();
    for (const r of table.rows) {
      if (!lines.has(r.line)) lines.set(r.line, r.lineName);
      if (r.station !== null) stations.set(`${r.line}/${r.station}`, r);
    }
    this.tables.set(table.cityCode, { lines, stations });
  }

  remove(cityCode: string): void {
    this.tables.delete(cityCode);
  }

  cities(): string[] {
    return [...this.tables.keys()].sort();
  }

  place(cityCode: string, line: number, station: number): KnownPlace {
    const t = this.tables.get(cityCode);
    if (!t) return { kind: 'unknown' };
    const s = t.stations.get(`${line}/${station}`);
    if (s?.stationName) return { kind: 'station', line: s.lineName, station: s.stationName };
    const l = t.lines.get(line);
    return l ? { kind: 'line', line: l } : { kind: 'unknown' };
  }
}
