import type { CabinetStatus, DoorState, PowerSource } from '../../shared/devices.js';

/**
 * The cabinet controller's line protocol (see docs/devices.md): ASCII lines ending CR LF,
 * `<kind> <body>*<HH>` where kind is `>` host command, `<` reply, `!` unsolicited event, and HH
 * is the XOR of every byte before `*`, two upper-case hex digits.
 */
export type CabinetLine =
  | { readonly kind: 'reply'; readonly body: string; readonly fields: ReadonlyMap<string, string> }
  | { readonly kind: 'event'; readonly body: string; readonly fields: ReadonlyMap<string, string> };

export type CabinetLineError = { readonly code: 'bad-checksum' | 'bad-frame'; readonly line: string };

export const CABINET_MAX_LINE = 256;

export function checksum(text: string): string {
  let x = 0;
  for (let i = 0; i < text.length; i++) x ^= text.charCodeAt(i) & 0xff;
  return x.toString(16).toUpperCase().padStart(2, '0');
}

export function encodeCommand(command: 'STATUS' | 'PING'): Buffer {
  const text = `> ${command}`;
  return Buffer.from(`${text}*${checksum(text)}\r\n`, 'ascii');
}

export function parseCabinetLine(line: string): CabinetLine | CabinetLineError {
  const m = /^([<!]) ([\x20-\x29\x2b-\x7e]*)\*([0-9A-F]{2})$/.exec(line);
  if (!m) return { code: 'bad-frame', line };
  const [, kind, body, sum] = m as unknown as [string, string, string, string];
  if (checksum(`${kind} ${body}`) !== sum) return { code: 'bad-checksum', line };
  const fields = new Map<string, string>();
  for (const token of body.split(' ')) {
    const eq = token.indexOf('=');
    if (eq > 0) fields.set(token.slice(0, eq), token.slice(eq + 1));
  }
  return { kind: kind === '<' ? 'reply' : 'event', body, fields };
}

/** Applies the fields of a reply or event to a status; `null` when a required field is missing or malformed. */
export function applyFields(base: CabinetStatus | null, fields: ReadonlyMap<string, string>): CabinetStatus | null {
  const door = fields.has('DOOR') ? parseDoor(fields.get('DOOR')!) : base?.door;
  const temp = fields.has('TEMP') ? parseNumber(fields.get('TEMP')!) : base?.temperatureC;
  const power = fields.has('POWER') ? parsePower(fields.get('POWER')!) : base?.power;
  const batt = fields.has('BATT') ? parseNumber(fields.get('BATT')!) : base?.batteryPercent;
  if (door == null || temp == null || power == null || batt == null || batt < 0 || batt > 100) return null;
  return { door, temperatureC: temp, power, batteryPercent: batt };
}

function parseDoor(v: string): DoorState | null {
  return v === 'OPEN' ? 'open' : v === 'CLOSED' ? 'closed' : null;
}

function parsePower(v: string): PowerSource | null {
  return v === 'MAINS' ? 'mains' : v === 'BATTERY' ? 'battery' : null;
}

function parseNumber(v: string): number | null {
  return /^-?\d{1,3}(\.\d{1,2})?$/.test(v) ? Number(v) : null;
}

/** Splits a byte stream into lines (CR LF or LF); drops lines longer than {@link CABINET_MAX_LINE}. */
export class LineSplitter {
  private buffer = '';
  private overflow = false;

  push(chunk: Buffer): string[] {
    this.buffer += chunk.toString('latin1');
    const lines: string[] = [];
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).replace(/\r$/, '');
      this.buffer = this.buffer.slice(nl + 1);
      if (!this.overflow) lines.push(line);
      this.overflow = false;
    }
    if (this.buffer.length > CABINET_MAX_LINE) {
      this.buffer = '';
      this.overflow = true;
    }
    return lines;
  }

  reset(): void {
    this.buffer = '';
    this.overflow = false;
  }
}
