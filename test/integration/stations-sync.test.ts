/**
 * Station tables as data: `central stations import FILE` (the real CLI on a real SQLite file),
 * refused whole when a line is wrong; the accepted table goes down to a kiosk by the change feed
 * and its screens name the station instead of bytes.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startCentral, type RunningCentral } from '../../central/server.js';
import { placeLabel } from '../../kiosk/i18n/stations.js';
import { KIOSK_STATIONS } from '../../kiosk/i18n/stations.js';
import { kioskIdentity, openKiosk, tempDir, waitFor, type KioskUnderTest } from '../support/kiosk-writer-harness.js';

const run = promisify(execFile);
const dir = tempDir('stations-sync-');
const data = join(dir.path, 'central');
const k1 = kioskIdentity(7);
let central: RunningCentral | null = null;
let kiosk: KioskUnderTest | null = null;

afterAll(async () => {
  await kiosk?.close();
  await central?.close();
  dir.remove();
});

async function centralCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run('bash', ['scripts/node.sh', 'exec', 'tsx', 'central/cli.ts', ...args, '--data', data], { timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: x.code ?? -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}

describe('station tables: central import, down-sync, names on the kiosk', () => {
  it('refuses a file with a bad line and stores nothing, then imports a good one', async () => {
    const bad = join(dir.path, 'bad.csv');
    writeFileSync(bad, '# source: test\ncity_code,line,station,line_zh,line_en,station_zh,station_en\n1000,8,,8号线,Line 8,,\n1000,8,x,8号线,Line 8,鼓楼大街,Guloudajie\n');
    const refused = await centralCli('stations', 'import', bad);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('line 4: station "x" is not a number');
    expect(refused.stderr).toContain('nothing imported');

    const good = join(dir.path, 'good.csv');
    writeFileSync(good, '# source: Beijing Subway line map\ncity_code,line,station,line_zh,line_en,station_zh,station_en\n1000,8,,8号线,Line 8,,\n1000,8,12,8号线,Line 8,鼓楼大街,Guloudajie\n');
    const imported = await centralCli('stations', 'import', good);
    expect(imported.stdout).toContain('1000 (1 stations)');
    expect(imported.code).toBe(0);
  }, 120_000);

  it('goes down to the kiosk, survives a reopen, and names the station', async () => {
    central = await startCentral({ port: 0, storage: { engine: 'sqlite', file: join(data, 'central.sqlite') }, dataDir: data, kiosks: [{ id: k1.kioskId, token: k1.token }] });
    expect((await central.storage.listStationTables()).map((t) => t.cityCode)).toEqual(['1000']);
    kiosk = await openKiosk(join(dir.path, 'kiosk.db'), k1, central.url);
    kiosk.worker.start();
    await waitFor(kiosk.worker, async () => (await kiosk!.store.caches.stationTables()).length === 1, 'the station table in the kiosk cache');
    expect(placeLabel('zh', '1000', '0008000C000000')).toBe('鼓楼大街（8号线）');
    expect(placeLabel('en', '1000', '00080001000000')).toBe('Beijing Line 8');

    KIOSK_STATIONS.remove('1000');
    await kiosk.close();
    kiosk = await openKiosk(join(dir.path, 'kiosk.db'), k1, central.url);
    expect(placeLabel('en', '1000', '0008000C000000')).toBe('Guloudajie (Line 8)');
  }, 60_000);
});
