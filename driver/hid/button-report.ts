import type { HelpButton } from '../../shared/devices.js';
import type { ButtonLayout } from './device-table.js';

/** Turns button-panel reports into presses: a press is a bit going from 0 to 1. */
export class ButtonDecoder {
  private previous = 0;

  constructor(private readonly layout: ButtonLayout) {}

  push(report: Uint8Array): HelpButton[] | { readonly code: 'bad-report'; readonly reason: string } {
    if (report.length <= this.layout.byte) return { code: 'bad-report', reason: `button report is ${report.length} bytes, needs byte ${this.layout.byte}` };
    const now = report[this.layout.byte]!;
    const rising = now & ~this.previous;
    this.previous = now;
    const presses: HelpButton[] = [];
    if (rising & this.layout.information) presses.push('information');
    if (rising & this.layout.emergency) presses.push('emergency');
    return presses;
  }
}
