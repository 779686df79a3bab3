/**
 * One rule for characters that text from a screen or a kiosk may never carry, used by the UI
 * protocol (kiosk/runtime) and by central's sync API schemas alike: C0 controls other than tab
 * and newline, DEL, C1 controls (U+0080–U+009F), and the bidi embeddings, overrides and isolates
 * (U+202A–U+202E, U+2066–U+2069) that make text read differently from what it holds.
 */
export const FORBIDDEN_TEXT_CLASS = '\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F\\u202A-\\u202E\\u2066-\\u2069';
/** The same for one line: tab and newline are refused too. */
export const FORBIDDEN_LINE_CLASS = '\\u0000-\\u001F\\u007F-\\u009F\\u202A-\\u202E\\u2066-\\u2069';

/** Matches text that carries a forbidden character. */
export const FORBIDDEN_TEXT_CHARS = new RegExp(`[${FORBIDDEN_TEXT_CLASS}]`, 'u');
