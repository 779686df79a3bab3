import { SimRequestError } from '../daemon/sim-device.js';

/** The body as an object with only `allowed` fields, or a 400 `bad-request` that says what is expected. */
export function bodyFields(body: unknown, allowed: readonly string[], expected: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new SimRequestError(400, 'bad-request', `body must be a JSON object ${expected}`);
  const fields = body as Record<string, unknown>;
  const extra = Object.keys(fields).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw new SimRequestError(400, 'bad-request', `unknown field(s): ${extra.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}; expected ${expected}`);
  return fields;
}

/** One of `choices`, or a 400 `invalid-value`. */
export function oneOf<T extends string>(value: unknown, choices: readonly T[], field: string): T {
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  throw new SimRequestError(400, 'invalid-value', `\`${field}\` must be one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`);
}

/** A finite number in [min, max], or a 400 `invalid-value`. */
export function numberIn(value: unknown, min: number, max: number, field: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max) return value;
  throw new SimRequestError(400, 'invalid-value', `\`${field}\` must be a number from ${min} to ${max}`);
}

/** A route parameter that must be a whole number, or a 404 with `code`. */
export function wholeNumberParam(value: string, code: string, what: string): number {
  if (/^\d{1,6}$/.test(value)) return Number(value);
  throw new SimRequestError(404, code, `no ${what} ${JSON.stringify(value.slice(0, 40))}`);
}

/** Runs device operations one at a time (a plug while an unplug is under way would open the pty twice). */
export class OperationQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.tail.then(work, work);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
