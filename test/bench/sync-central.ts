// One central instance for the sync benchmark, in its own process (started by test/bench/sync.ts).
// Env: BENCH_CENTRAL_STORAGE (a StorageConfig as JSON), BENCH_CENTRAL_DATA (its data dir),
// BENCH_CENTRAL_SEED_KIOSKS ("first,count,perStation": fleet kiosks to add, see fleet-kiosks.ts, or
// empty for none).
// Prints "central listening on URL" when ready; closes on SIGTERM.
import { startCentral } from '../../central/server.js';
import type { StorageConfig } from '../../central/storage/types.js';
import { fleetKiosk } from './fleet-kiosks.js';

const storage = JSON.parse(process.env['BENCH_CENTRAL_STORAGE'] ?? '') as StorageConfig;
const [first = 0, count = 0, perStation = 0] = (process.env['BENCH_CENTRAL_SEED_KIOSKS'] || '0,0,0').split(',').map(Number);
const kiosks = Array.from({ length: count }, (_, i) => fleetKiosk(first + i, perStation)).map((k) => ({ id: k.kioskId, token: k.token, stationId: k.stationId, ticketCode: k.kioskCode }));
const central = await startCentral({ port: 0, storage, kiosks, ...(process.env['BENCH_CENTRAL_DATA'] ? { dataDir: process.env['BENCH_CENTRAL_DATA'] } : {}) });
console.log(`central listening on ${central.url}`);
const stop = (): void => {
  void central.close().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
