export { KioskStore, type KioskStoreOptions, type StoreWrite, type ClockSample } from './kiosk-store.js';
export type { Outbox } from './outbox.js';
export type { DownSyncCache } from './down-sync-cache.js';
export { OUTBOX_STATES, type OutboxState, type OutboxEntry, type OutboxStats, type OutboxActionError } from './outbox-types.js';
export type { LocalTicket } from './records.js';
export { SqliteError, type SqliteDriver, type SqliteDriverFactory, type SqliteTx } from './sqlite-port.js';
export { sqlite3Driver } from './sqlite3-driver.js';
