/**
 * HID-POS scanned-data input report as Honeywell and Newland document it for their HID POS
 * mode (usage page 0x8C), 64 bytes:
 *
 * | byte  | meaning |
 * |-------|---------|
 * | 0     | report id 0x02 (scanned data) |
 * | 1     | number of data bytes in this report, 1..56 |
 * | 2–57  | decoded data, zero padded |
 * | 58    | vendor code id (Honeywell) |
 * | 59–60 | AIM symbology id character and modifier, e.g. `Q` `1` for QR |
 * | 61–62 | reserved |
 * | 63    | bit 0: more reports follow with the rest of this code |
 */
export const HID_POS_REPORT_ID = 0x02;
export const HID_POS_REPORT_LENGTH = 64;
export const HID_POS_MAX_DATA = 56;
const DATA_OFFSET = 2;
const AIM_ID = 59;
const AIM_MODIFIER = 60;
const FLAGS = 63;
const MORE_FOLLOWS = 0x01;

export type HidPosParseError = { readonly code: 'bad-report'; readonly reason: string };

export interface HidPosFragment {
  readonly data: Uint8Array;
  /** `]Q1`-style AIM id, or `null` when the scanner sent none. */
  readonly symbology: string | null;
  readonly moreFollows: boolean;
}

export function parseHidPosReport(report: Uint8Array): HidPosFragment | HidPosParseError {
  if (report.length < HID_POS_REPORT_LENGTH) return { code: 'bad-report', reason: `report is ${report.length} bytes, expected ${HID_POS_REPORT_LENGTH}` };
  if (report[0] !== HID_POS_REPORT_ID) return { code: 'bad-report', reason: `report id 0x${report[0]!.toString(16)}, expected 0x02` };
  const length = report[1]!;
  if (length === 0 || length > HID_POS_MAX_DATA) return { code: 'bad-report', reason: `data length ${length} outside 1..${HID_POS_MAX_DATA}` };
  const aim = report[AIM_ID]!;
  const modifier = report[AIM_MODIFIER]!;
  const printable = (b: number): boolean => b > 0x20 && b < 0x7f;
  return {
    data: report.slice(DATA_OFFSET, DATA_OFFSET + length),
    symbology: printable(aim) && printable(modifier) ? `]${String.fromCharCode(aim, modifier)}` : null,
    moreFollows: (report[FLAGS]! & MORE_FOLLOWS) !== 0,
  };
}

/** Joins the fragments of one code (reports with the more-follows bit, then the last). */
export class HidPosAssembler {
  private parts: Uint8Array[] = [];
  private static readonly MAX_PARTS = 64;

  /** Returns the finished code, `null` while more reports are due, or an error (and starts over). */
  push(report: Uint8Array): { readonly text: string; readonly symbology: string | null } | HidPosParseError | null {
    const fragment = parseHidPosReport(report);
    if ('code' in fragment) {
      this.parts = [];
      return fragment;
    }
    this.parts.push(fragment.data);
    if (fragment.moreFollows) {
      if (this.parts.length > HidPosAssembler.MAX_PARTS) {
        this.parts = [];
        return { code: 'bad-report', reason: 'code longer than 64 reports' };
      }
      return null;
    }
    const bytes = Buffer.concat(this.parts);
    this.parts = [];
    return { text: new TextDecoder('utf-8').decode(bytes), symbology: fragment.symbology };
  }
}
