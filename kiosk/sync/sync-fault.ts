/**
 * Why an exchange with central failed, classified for the worker:
 * - `retryable`: the network or central is unwell (refused, reset, timeout, 5xx, 429, a
 *   garbled answer). Rows stay pending; back off and try again.
 * - `config`: central refused the whole request (401, 403, 404, 400): this kiosk is set up
 *   wrongly. Rows stay pending, health says so, back off; a technician must act.
 * - `too-large`: 413; the worker halves the batch.
 * Items central refused one by one are not faults: they come back in `rejects` and those rows
 * become `rejected`.
 */
export type SyncFault =
  | { readonly kind: 'retryable'; readonly code: 'network' | 'timeout' | 'server-error' | 'rate-limited' | 'bad-response'; readonly message: string; readonly status?: number; readonly retryAfterMs?: number }
  | { readonly kind: 'config'; readonly code: 'unauthorized' | 'forbidden' | 'not-found' | 'bad-request'; readonly message: string; readonly status: number }
  | { readonly kind: 'too-large'; readonly code: 'payload-too-large'; readonly message: string; readonly status: 413 }
  | { readonly kind: 'stopped'; readonly code: 'stopped'; readonly message: string };
