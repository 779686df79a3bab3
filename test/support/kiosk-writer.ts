// Child process for the crash tests: the real store, ticket service and sync worker composed as the
// runtime does. Prints `READY` once open, then `T <ticketId>` for each ticket only after
// createTicket resolved (= the id was shown to the passenger). Runs until killed.
//   node --import tsx test/support/kiosk-writer.ts <db> <centralUrl|-> <kioskN> <create|sync|both> [pauseMs]
import { KioskStore } from '../../kiosk/store/kiosk-store.js';
import { TicketService } from '../../kiosk/tickets/ticket-service.js';
import { SyncClient } from '../../kiosk/sync/sync-client.js';
import { SyncWorker } from '../../kiosk/sync/sync-worker.js';
import { kioskIdentity } from './kiosk-writer-harness.js';

const [dbPath, centralUrl, kioskN, mode, pause] = process.argv.slice(2);
const pauseMs = Number(pause ?? 0);
if (!dbPath || !centralUrl || !kioskN || (mode !== 'create' && mode !== 'sync' && mode !== 'both')) {
  process.stderr.write('usage: kiosk-writer.ts <db> <centralUrl|-> <kioskN> <create|sync|both>\n');
  process.exit(2);
}

const identity = kioskIdentity(Number(kioskN));
const store = await KioskStore.open({ path: dbPath });
const tickets = new TicketService(store, identity);
if (mode !== 'create' && centralUrl !== '-') {
  const client = new SyncClient({ baseUrl: centralUrl, kioskId: identity.kioskId, token: identity.token, timeoutMs: 5_000 });
  new SyncWorker({ store, client, batchSize: 7, backoff: { baseMs: 20, capMs: 200 } }).start();
}
process.stdout.write('READY\n');

let i = 0;
if (mode !== 'sync') {
  for (;;) {
    const r = await tickets.createTicket({ category: 'gate', description: `crash-test ticket ${process.pid}/${i++} 闸机`, language: 'zh' });
    if (!r.ok) {
      process.stderr.write(`createTicket failed: ${r.error.code}\n`);
      process.exit(1);
    }
    process.stdout.write(`T ${r.value.id}\n`);
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}
