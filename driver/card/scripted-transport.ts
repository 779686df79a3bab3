/**
 * A transport that plays a fixed script, stricter than hardware: any command other than the
 * next scripted one, or one past the end, rejects with `ScriptViolation` (a plain Error, which
 * `readCard` does not swallow), so a test cannot pass by accident.
 */
import { toHex, fromHex } from './bytes.js';
import { CardIoError } from './errors.js';
import type { ApduTransport } from './transport.js';

export type ScriptStep =
  /** Answer `response` (hex, SW included) to `command` (hex). */
  | { readonly command: string; readonly response: string }
  /** Never answer `command` (the channel's timeout must fire). */
  | { readonly command: string; readonly hang: true };

export class ScriptViolation extends Error {
  override readonly name = 'ScriptViolation';
}

export interface ScriptOptions {
  /**
   * The card leaves the field before the command at this 0-based position: that transmit
   * returns 0 bytes (what vpcd and many readers do), any later one rejects with `card-removed`.
   */
  readonly removeAt?: number;
}

const norm = (hex: string): string => hex.replace(/\s+/g, '').toUpperCase();

export class ScriptedTransport implements ApduTransport {
  #next = 0;
  #sent = 0;
  readonly sent: string[] = [];

  constructor(
    private readonly steps: readonly ScriptStep[],
    private readonly options: ScriptOptions = {},
  ) {}

  /** Steps not played yet. */
  get remaining(): number {
    return this.steps.length - this.#next;
  }

  transmit(command: Uint8Array): Promise<Uint8Array> {
    const hex = toHex(command);
    this.sent.push(hex);
    const position = this.#sent++;
    const removeAt = this.options.removeAt;
    if (removeAt !== undefined && position >= removeAt) {
      return position === removeAt ? Promise.resolve(new Uint8Array(0)) : Promise.reject(new CardIoError('card-removed', 'card removed (script)'));
    }
    const step = this.steps[this.#next];
    if (step === undefined) return Promise.reject(new ScriptViolation(`unscripted command after the end of the script: ${hex}`));
    if (norm(step.command) !== hex) return Promise.reject(new ScriptViolation(`step ${this.#next}: expected ${norm(step.command)}, got ${hex}`));
    this.#next++;
    if ('hang' in step) return new Promise<Uint8Array>(() => undefined);
    return Promise.resolve(fromHex(step.response));
  }
}
