// Child process for the crash and power-loss tests: the real store, ticket service and sync worker
// composed as the runtime does. Prints, each line written synchronously to fd 1 so that a SIGKILL
// can never lose a line written before it:
//   READY               once the store is open;
//   P <writes> <trips>  just before it enters or after it leaves a phase: how many write
//                       transactions (BEGIN … COMMIT) and sync round trips (request … body read)
//                       are open now. The last P line before death says where a kill landed;
//   T <ticketId> <key>  after createTicket resolved (= the id was shown to the passenger); the
//                       ticket's description is `crash-test ticket <key> 闸机`;
//   R <ratingId>        after recordRating resolved.
// Runs until killed.
//   node --import tsx test/support/kiosk-writer.ts <db> <centralUrl|-> <kioskN> <create|sync|both> [pauseMs] [synchronous]
// `synchronous` (default FULL) lets the power-loss test show that a weaker setting does lose
// acknowledged tickets under the same simulated power cut.
import { writeSync } from 'node:fs';
import { KioskStore } from '../../kiosk/store/kiosk-store.js';
import type { SqliteDriver, SqliteDriverFactory } from '../../kiosk/store/sqlite-port.js';
import { sqlite3Driver } from '../../kiosk/store/sqlite3-driver.js';
import { TicketService } from '../../kiosk/tickets/ticket-service.js';
import { SyncClient } from '../../kiosk/sync/sync-client.js';
import { SyncWorker } from '../../kiosk/sync/sync-worker.js';
import { kioskIdentity } from './kiosk-writer-harness.js';

const [dbPath, centralUrl, kioskN, mode, pause, synchronous] = process.argv.slice(2);
const pauseMs = Number(pause ?? 0);
if (!dbPath || !centralUrl || !kioskN || (mode !== 'create' && mode !== 'sync' && mode !== 'both') || !['FULL', 'NORMAL', 'OFF', undefined].includes(synchronous)) {
  process.stderr.write('usage: kiosk-writer.ts <db> <centralUrl|-> <kioskN> <create|sync|both> [pauseMs] [FULL|NORMAL|OFF]\n');
  process.exit(2);
}

const say = (line: string): void => {
  writeSync(1, `${line}\n`);
};
let writes = 0;
let trips = 0;
const phase = (dw: number, dt: number): void => {
  writes += dw;
  trips += dt;
  say(`P ${writes} ${trips}`);
};

/** The real driver, telling the parent when a write transaction is open on the connection. */
const reportingDriver: SqliteDriverFactory = {
  async open(path, options) {
    const inner = await sqlite3Driver.open(path, options);
    if (synchronous !== undefined && synchronous !== 'FULL') await inner.exec(`PRAGMA synchronous = ${synchronous}`);
    const transaction: SqliteDriver['transaction'] = async (fn) => {
      let entered = false;
      try {
        return await inner.transaction(async (tx) => {
          // Called right after BEGIN IMMEDIATE took the write lock.
          entered = true;
          phase(1, 0);
          return fn(tx);
        });
      } finally {
        // After COMMIT (fsync'd) or ROLLBACK returned.
        if (entered) phase(-1, 0);
      }
    };
    return {
      path: inner.path,
      exec: (sql) => inner.exec(sql),
      // A single write statement runs as its own one-statement transaction, so its phase is known.
      run: (sql, params) => transaction((tx) => tx.run(sql, params)),
      get: (sql, params) => inner.get(sql, params),
      all: (sql, params) => inner.all(sql, params),
      transaction,
      close: () => inner.close(),
    };
  },
};

/** fetch that tells the parent when a round trip to central is open, body included. */
const reportingFetch: typeof fetch = async (input, init) => {
  phase(0, 1);
  try {
    const res = await fetch(input, init);
    const body = await res.arrayBuffer();
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  } finally {
    phase(0, -1);
  }
};

const identity = kioskIdentity(Number(kioskN));
const store = await KioskStore.open({ path: dbPath, driver: reportingDriver });
const tickets = new TicketService(store, identity);
if (mode !== 'create' && centralUrl !== '-') {
  const client = new SyncClient({ baseUrl: centralUrl, kioskId: identity.kioskId, token: identity.token, timeoutMs: 5_000, fetch: reportingFetch });
  // Polls often, so a drained outbox still makes round trips (down-sync) to land kills in.
  new SyncWorker({ store, client, batchSize: 7, backoff: { baseMs: 20, capMs: 200 }, pollIntervalMs: 30 }).start();
}
say('READY');

let i = 0;
if (mode !== 'sync') {
  for (;;) {
    const n = i++;
    if (n % 4 === 3) {
      // Every fourth record is a rating, with a reason no other rating has.
      const r = await tickets.recordRating({ score: 4, service: 'report', reason: `crash-test rating ${process.pid}/${n}` });
      if (!r.ok) {
        process.stderr.write(`recordRating failed: ${r.error.code}: ${'cause' in r.error ? String(r.error.cause) : r.error.message}\n`);
        process.exit(1);
      }
      say(`R ${r.value.id}`);
    } else {
      const r = await tickets.createTicket({ category: 'gate', description: `crash-test ticket ${process.pid}/${n} 闸机`, language: 'zh' });
      if (!r.ok) {
        process.stderr.write(`createTicket failed: ${r.error.code}: ${'cause' in r.error ? String(r.error.cause) : r.error.message}\n`);
        process.exit(1);
      }
      say(`T ${r.value.id} ${process.pid}/${n}`);
    }
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}
