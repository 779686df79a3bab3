import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseStationCsv, type StationTable } from '../../shared/stations.js';
import type { CentralStorage } from '../storage/types.js';
import { DEMO_STATION_ID } from '../accounts/seed.js';

/** The station tables shipped with the project: the demo city and the cities of the simulated cards. */
export const DEMO_STATIONS_DIR = fileURLToPath(new URL('./stations/', import.meta.url));

export function demoStationTables(at: string): StationTable[] {
  return readdirSync(DEMO_STATIONS_DIR)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .flatMap((f) => {
      const parsed = parseStationCsv(readFileSync(join(DEMO_STATIONS_DIR, f), 'utf8'), at);
      if (!parsed.ok) throw new Error(`${f}: ${parsed.error.map((e) => `line ${e.line}: ${e.message}`).join('; ')}`);
      return parsed.value;
    });
}

/** Seeds the shipped station tables when central has none; returns how many cities it wrote. */
export async function seedDemoStations(storage: CentralStorage, now: Date): Promise<number> {
  if ((await storage.listStationTables()).length > 0) return 0;
  const tables = demoStationTables(now.toISOString());
  for (const t of tables) await storage.putStationTable(t);
  return tables.length;
}

/** The demo kiosk's station as people name it (config/demo.json: Tiyu Xilu, where lines 1 and 3 meet). */
export const DEMO_STATION = {
  id: DEMO_STATION_ID,
  name: { zh: '体育西路站', en: 'Tiyu Xilu Station' },
  lines: [
    { zh: '1号线', en: 'Line 1' },
    { zh: '3号线', en: 'Line 3' },
  ],
} as const;

/** Names the demo station in central's station list when it is not there yet; returns whether it did. */
export async function seedDemoStationName(storage: CentralStorage, now: Date): Promise<boolean> {
  if ((await storage.admin.listStations()).some((s) => s.id === DEMO_STATION.id)) return false;
  await storage.admin.putStation({ ...DEMO_STATION, lines: [...DEMO_STATION.lines], updatedAt: now.toISOString() });
  return true;
}
