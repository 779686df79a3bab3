import { randomBytes } from 'node:crypto';
import { fromHex, isHex } from '../../shared/bytes.js';

/**
 * Which APDUs a fault applies to. APDUs are numbered from 1 in the order the card receives
 * them since it was inserted, the UID pseudo-APDU `FF CA 00 00 00` included; vpcd's control
 * messages (power, reset, ATR) are not APDUs. An empty selector matches every APDU.
 */
export interface ApduSelector {
  /** Only APDU number n. */
  readonly apdu?: number;
  /** APDU number n and every later one. */
  readonly fromApdu?: number;
  /** Only commands starting with these bytes (hex, e.g. `00A40400` or `805C`). */
  readonly command?: string;
}

/** Scripted misbehaviour of a virtual card. Precedence: remove, mute, garbage, short; delays add up. */
export interface CardFaults {
  /**
   * The card answers APDUs 1..N, then leaves the field when APDU N+1 arrives: the socket is
   * closed instead of answering (that transmit returns 0 bytes). 0 = leave at the first APDU.
   */
  readonly removeAfterApdus?: number;
  /** Delay before every answer, ms. */
  readonly delayMs?: number;
  /** Extra delay before the matching answers, ms. */
  readonly delays?: readonly (ApduSelector & { readonly ms: number })[];
  /** Answer these bytes (hex) instead; without `answer`, random bytes that end in no valid status word. */
  readonly garbage?: readonly (ApduSelector & { readonly answer?: string })[];
  /** Answer 1 byte (the first byte of the real answer). */
  readonly short?: readonly ApduSelector[];
  /** Never answer; the reader's transmit hangs until the card is removed. */
  readonly mute?: readonly ApduSelector[];
}

/** What the card does with one APDU. */
export type FaultAction =
  | { readonly kind: 'answer' }
  | { readonly kind: 'remove' }
  | { readonly kind: 'mute' }
  | { readonly kind: 'garbage'; readonly bytes: Uint8Array }
  | { readonly kind: 'short' };

export interface FaultDecision {
  readonly action: FaultAction;
  readonly delayMs: number;
}

export function selectorMatches(s: ApduSelector, index: number, commandHex: string): boolean {
  if (s.apdu !== undefined && s.apdu !== index) return false;
  if (s.fromApdu !== undefined && index < s.fromApdu) return false;
  if (s.command !== undefined && !commandHex.startsWith(s.command.replace(/\s+/g, '').toUpperCase())) return false;
  return true;
}

/** Random bytes whose last two are not `90 00`, `61 xx` or `6C xx`. */
export function randomGarbage(): Uint8Array {
  const bytes = Uint8Array.from(randomBytes(3 + (randomBytes(1)[0]! % 30)));
  const last = bytes.length - 2;
  if (bytes[last] === 0x90 || bytes[last] === 0x61 || bytes[last] === 0x6c) bytes[last] = 0x13;
  return bytes;
}

/** Decides how the card treats APDU number `index` (1-based) carrying `commandHex` (upper case). */
export function decideFault(faults: CardFaults | undefined, index: number, commandHex: string): FaultDecision {
  if (!faults) return { action: { kind: 'answer' }, delayMs: 0 };
  const matching = <T extends ApduSelector>(list: readonly T[] | undefined): T | undefined => list?.find((s) => selectorMatches(s, index, commandHex));
  const delayMs = (faults.delayMs ?? 0) + (faults.delays ?? []).filter((d) => selectorMatches(d, index, commandHex)).reduce((sum, d) => sum + d.ms, 0);
  if (faults.removeAfterApdus !== undefined && index > faults.removeAfterApdus) return { action: { kind: 'remove' }, delayMs };
  if (matching(faults.mute)) return { action: { kind: 'mute' }, delayMs };
  const garbage = matching(faults.garbage);
  if (garbage) return { action: { kind: 'garbage', bytes: garbage.answer !== undefined ? fromHex(garbage.answer) : randomGarbage() }, delayMs };
  if (matching(faults.short)) return { action: { kind: 'short' }, delayMs };
  return { action: { kind: 'answer' }, delayMs };
}

/** Validates faults from JSON (the control API, the CLI); returns the problems, empty when fine. */
export function cardFaultsProblems(input: unknown): string[] {
  const problems: string[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return ['faults: must be an object'];
  const o = input as Record<string, unknown>;
  const count = (v: unknown, min: number): boolean => Number.isInteger(v) && (v as number) >= min && (v as number) <= 1_000_000;
  const selector = (v: unknown, where: string, extra: readonly string[]): void => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return void problems.push(`${where}: must be an object`);
    const s = v as Record<string, unknown>;
    for (const k of Object.keys(s)) if (!['apdu', 'fromApdu', 'command', ...extra].includes(k)) problems.push(`${where}.${k}: unknown field`);
    if (s.apdu !== undefined && !count(s.apdu, 1)) problems.push(`${where}.apdu: must be an integer ≥ 1`);
    if (s.fromApdu !== undefined && !count(s.fromApdu, 1)) problems.push(`${where}.fromApdu: must be an integer ≥ 1`);
    if (s.command !== undefined && (typeof s.command !== 'string' || !isHex(s.command))) problems.push(`${where}.command: must be hex bytes`);
    if (extra.includes('ms') && !count(s.ms, 0)) problems.push(`${where}.ms: must be an integer ≥ 0`);
    if (s.answer !== undefined && (typeof s.answer !== 'string' || !isHex(s.answer) || s.answer.replace(/\s+/g, '').length === 0))
      problems.push(`${where}.answer: must be non-empty hex bytes`);
  };
  const list = (key: string, extra: readonly string[]): void => {
    const v = o[key];
    if (v === undefined) return;
    if (!Array.isArray(v)) return void problems.push(`faults.${key}: must be a list`);
    v.forEach((s, i) => selector(s, `faults.${key}[${i}]`, extra));
  };
  for (const k of Object.keys(o)) if (!['removeAfterApdus', 'delayMs', 'delays', 'garbage', 'short', 'mute'].includes(k)) problems.push(`faults.${k}: unknown field`);
  if (o.removeAfterApdus !== undefined && !count(o.removeAfterApdus, 0)) problems.push('faults.removeAfterApdus: must be an integer ≥ 0');
  if (o.delayMs !== undefined && !count(o.delayMs, 0)) problems.push('faults.delayMs: must be an integer ≥ 0');
  list('delays', ['ms']);
  list('garbage', ['answer']);
  list('short', []);
  list('mute', []);
  return problems;
}
