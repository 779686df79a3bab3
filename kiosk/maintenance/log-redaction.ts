/**
 * Redaction of log text before a technician sees it: card numbers, phone numbers, UIDs and other
 * long numbers or hex identifiers become placeholders. Applied when a line enters the ring
 * buffer, so personal data never sits in it.
 */

/** 8 or more digits, single spaces allowed between them (card numbers printed in groups, phones with +86). */
const LONG_NUMBER = /(?<![0-9A-Za-z])(?:\+?86[ -]?)?\d(?: ?\d){7,}(?![0-9A-Za-z])/g;
/** 8–32 hex characters with at least one digit and one letter (UIDs, hex card numbers), not part of a dashed UUID. */
const HEX_ID = /(?<![0-9A-Za-z-])(?=[0-9A-Fa-f]*\d)(?=[0-9A-Fa-f]*[A-Fa-f])[0-9A-Fa-f]{8,32}(?![0-9A-Za-z-])/g;
/** Field names whose values are never shown. */
const SENSITIVE_KEY = /card|uid|phone|mobile|pan|pin|key|token|secret|password|description|holder/i;

export function redactText(text: string): string {
  return text.replace(LONG_NUMBER, '[number]').replace(HEX_ID, '[hex]');
}

/** `key=value` pairs of a structured log entry, sensitive keys dropped to `[redacted]`, the rest redacted as text. */
export function redactFields(fields: Readonly<Record<string, unknown>>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k}=${SENSITIVE_KEY.test(k) ? '[redacted]' : redactText(typeof v === 'string' ? v : (JSON.stringify(v) ?? 'undefined'))}`)
    .join(' ');
}
