import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStationCsv } from '../../shared/stations.js';
import { DEMO_STATIONS_DIR } from './demo-stations.js';

const AT = '2026-11-30T00:00:00.000Z';

describe('shipped station tables', () => {
  it('ships a valid table, with its source, for every city of the demo and the simulated cards', () => {
    const files = readdirSync(DEMO_STATIONS_DIR).filter((f) => f.endsWith('.csv'));
    const cities = new Set<string>();
    for (const f of files) {
      const r = parseStationCsv(readFileSync(join(DEMO_STATIONS_DIR, f), 'utf8'), AT);
      if (!r.ok) throw new Error(`${f}: ${JSON.stringify(r.error)}`);
      for (const t of r.value) {
        expect(t.source.length).toBeGreaterThan(10);
        cities.add(t.cityCode);
      }
    }
    expect([...cities].sort()).toEqual(['1000', '4520', '5210', '5810', '5840']);
  });
});
