export { SyncWorker, type SyncHealth, type SyncWorkerOptions } from './sync-worker.js';
export { SyncClient, type SyncClientOptions, type Exchange } from './sync-client.js';
export type { SyncFault } from './sync-fault.js';
export { backoffDelay, parseRetryAfter, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
