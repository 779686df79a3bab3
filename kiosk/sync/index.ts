export { SyncWorker, type SyncHealth, type SyncWorkerOptions } from './sync-worker.js';
export { SyncClient, type SyncClientOptions, type Exchange } from './sync-client.js';
export type { SyncFault } from './sync-fault.js';
export { parseRetryAfter, DEFAULT_BACKOFF } from './backoff.js';
export { backoffDelay, type BackoffPolicy } from '../../shared/backoff.js';
