/**
 * The seam for simulated devices in the sim daemon. Each device kind (card readers here;
 * the printer, cabinet and HID devices of `../devices/`) is one `SimDevice`: it adds its routes under
 * `/api/<id>/…` style paths, reports its state for `GET /api/devices`, and stops with the daemon.
 */
import type { FastifyInstance } from 'fastify';

export interface SimDevice {
  /** Stable id, e.g. `card-readers`, `printer`. */
  readonly id: string;
  /** One line for the panel and `GET /api/devices`. */
  readonly description: string;
  /** Adds this device's control routes. Called once, before the server listens. */
  registerRoutes(app: FastifyInstance): void;
  /** JSON-safe state for `GET /api/devices`. */
  status(): unknown;
  /** Releases everything (sockets, pseudo-terminals); idempotent. */
  stop(): Promise<void>;
}

/** The error body of every control API failure. */
export interface SimApiError {
  readonly error: { readonly code: string; readonly message: string; readonly problems?: readonly string[] };
}

/** An expected failure of a control request, turned into `{ error }` with its HTTP status. */
export class SimRequestError extends Error {
  override readonly name = 'SimRequestError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly problems?: readonly string[],
  ) {
    super(message);
  }
}
