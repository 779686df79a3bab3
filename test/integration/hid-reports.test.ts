import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { HidDevices } from '../../driver/hid/hid-devices.js';
import { HidPosAssembler, parseHidPosReport } from '../../driver/hid/hid-pos-report.js';
import { KeyboardWedgeDecoder } from '../../driver/hid/keyboard-report.js';
import { SIM_BUTTONS, SIM_SCANNER, SimulatedHidDevices } from '../../hardware-sim/hid/hid-sim.js';
import { hidPosReports, keyboardReports } from '../../hardware-sim/hid/reports.js';
import type { DeviceUpdate, HidDeviceInfo } from '../../shared/devices.js';
import { bothPressed, emergencyPress, informationPress } from '../fixtures/hid/buttons.js';
import { badLengthReport, chineseQr, LONG_QR_TEXT, singleReportQr, STATUS_URL, truncatedReport, twoReportQr } from '../fixtures/hid/hid-pos-qr.js';
import { heldKey, rollover, typedAbDash1 } from '../fixtures/hid/keyboard-wedge.js';

const WEDGE: HidDeviceInfo = { ...SIM_SCANNER, path: 'sim:hidraw2', usagePage: 0x01, usage: 0x06, product: 'wedge' };

describe('HID report parsing on fixture bytes', () => {
  it('fixtures have the lengths their formats require', () => {
    for (const r of [singleReportQr, chineseQr, badLengthReport, ...twoReportQr]) expect(r.length).toBe(64);
    for (const r of [...typedAbDash1, ...heldKey, ...rollover, ...informationPress]) expect(r.length).toBe(8);
  });

  it('reads a one-report HID-POS QR code with its AIM symbology', () => {
    expect(parseHidPosReport(singleReportQr)).toEqual({ data: new TextEncoder().encode(STATUS_URL), symbology: ']Q1', moreFollows: false });
  });

  it('joins a code split over two reports', () => {
    const a = new HidPosAssembler();
    expect(a.push(twoReportQr[0]!)).toBeNull();
    expect(a.push(twoReportQr[1]!)).toEqual({ text: LONG_QR_TEXT, symbology: ']Q1' });
  });

  it('decodes UTF-8 data', () => {
    expect(new HidPosAssembler().push(chineseQr)).toEqual({ text: '体育西路', symbology: ']Q1' });
  });

  it('refuses malformed reports with a typed error', () => {
    expect(parseHidPosReport(badLengthReport)).toEqual({ code: 'bad-report', reason: 'data length 200 outside 1..56' });
    expect(parseHidPosReport(truncatedReport)).toEqual({ code: 'bad-report', reason: 'report is 10 bytes, expected 64' });
  });

  it('types keyboard-wedge codes with Shift, ignores held keys, keeps rollover order', () => {
    const run = (reports: readonly Uint8Array[]): unknown[] => {
      const d = new KeyboardWedgeDecoder();
      return reports.map((r) => d.push(r)).filter((x) => x !== null);
    };
    expect(run(typedAbDash1)).toEqual([{ text: 'Ab-1' }]);
    expect(run(heldKey)).toEqual([{ text: 'c' }]);
    expect(run(rollover)).toEqual([{ text: 'de' }]);
  });

  it('the simulator and the driver agree on both scanner formats for any printable text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'abcXYZ019-_:/?.=&%~ '.split('')), minLength: 1, maxLength: 200 }), (text) => {
        const a = new HidPosAssembler();
        const pos = hidPosReports(text).map((r) => a.push(r)).filter((x) => x !== null);
        expect(pos).toEqual([{ text, symbology: ']Q1' }]);
        const k = new KeyboardWedgeDecoder();
        const typed = keyboardReports(text).map((r) => k.push(r)).filter((x) => x !== null);
        expect(typed).toEqual(text.length > 0 ? [{ text }] : []);
      }),
    );
  });
});

describe('HidDevices with the injected transport', () => {
  let devices: HidDevices | null = null;
  afterEach(async () => {
    await devices?.stop();
    devices = null;
  });

  async function started(): Promise<{ sim: SimulatedHidDevices; devices: HidDevices; updates: DeviceUpdate[] }> {
    const sim = new SimulatedHidDevices();
    await sim.start();
    devices = new HidDevices({ transport: sim.transport, pollIntervalMs: 60_000 });
    const updates: DeviceUpdate[] = [];
    devices.subscribe((u) => updates.push(u));
    await devices.start();
    return { sim, devices, updates };
  }

  it('says which mode it runs in', async () => {
    const { sim, devices: d } = await started();
    expect(sim.mode).toBe('injected-reports');
    expect(d.transportMode).toBe('injected-reports');
    expect(sim.describe()).toMatch(/no \/dev\/uhid/);
  });

  it('matches devices by vendor id and usage page and emits scans and presses from fixture bytes', async () => {
    const { sim, devices: d, updates } = await started();
    expect(d.openDevices().map((x) => x.name).sort()).toEqual(['Generic USB button encoder (DragonRise 0079:0006)', 'Honeywell scanner (HID POS)']);
    expect(d.scanner().health().state).toBe('ok');
    expect(d.helpButtons().health().state).toBe('ok');

    sim.transport.feed(SIM_SCANNER.path, [singleReportQr]);
    sim.transport.feed(SIM_BUTTONS.path, [...informationPress, ...emergencyPress, ...bothPressed]);
    const events = updates.filter((u) => u.type !== 'health');
    expect(events).toEqual([
      { type: 'qr-scan', device: SIM_SCANNER.path, scan: { text: STATUS_URL, symbology: ']Q1', source: SIM_SCANNER.path } },
      { type: 'help-button', device: SIM_BUTTONS.path, press: { button: 'information', source: SIM_BUTTONS.path } },
      { type: 'help-button', device: SIM_BUTTONS.path, press: { button: 'emergency', source: SIM_BUTTONS.path } },
      { type: 'help-button', device: SIM_BUTTONS.path, press: { button: 'information', source: SIM_BUTTONS.path } },
      { type: 'help-button', device: SIM_BUTTONS.path, press: { button: 'emergency', source: SIM_BUTTONS.path } },
    ]);
  });

  it('counts and drops malformed reports, and the next good code still reads', async () => {
    const { sim, devices: d, updates } = await started();
    sim.transport.feed(SIM_SCANNER.path, [badLengthReport, truncatedReport, chineseQr]);
    expect(d.badReports).toBe(2);
    expect(updates.filter((u) => u.type === 'qr-scan')).toMatchObject([{ scan: { text: '体育西路' } }]);
  });

  it('reads a keyboard-wedge scanner of a known vendor, and ignores an unknown keyboard', async () => {
    const { sim, devices: d, updates } = await started();
    sim.transport.plug(WEDGE);
    sim.transport.plug({ ...WEDGE, path: 'sim:hidraw9', vendorId: 0x046d, product: 'office keyboard' });
    await d.rescan();
    expect(d.openDevices().map((x) => x.path)).not.toContain('sim:hidraw9');
    sim.transport.feed(WEDGE.path, typedAbDash1);
    expect(updates.filter((u) => u.type === 'qr-scan')).toEqual([{ type: 'qr-scan', device: WEDGE.path, scan: { text: 'Ab-1', symbology: null, source: WEDGE.path } }]);
  });
});
