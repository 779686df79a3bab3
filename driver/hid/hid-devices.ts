import type {
  DeviceKind,
  DeviceUpdate,
  HelpButtons,
  HidConnection,
  HidDeviceInfo,
  HidTransport,
  QrScanner,
} from '../../shared/devices.js';
import { systemClock, type DeviceClock } from '../serial/clock.js';
import { HealthTracker } from '../serial/health-tracker.js';
import { ButtonDecoder } from './button-report.js';
import { DEFAULT_HID_DEVICE_TABLE, matchHidDevice, type HidDeviceRule } from './device-table.js';
import { HidPosAssembler } from './hid-pos-report.js';
import { KeyboardWedgeDecoder } from './keyboard-report.js';

/** How often the device list is read to notice arrival and removal. */
export const HID_POLL_INTERVAL_MS = 2_000;

export interface HidDevicesOptions {
  readonly transport: HidTransport;
  readonly table?: readonly HidDeviceRule[];
  readonly pollIntervalMs?: number;
  readonly clock?: DeviceClock;
  readonly log?: (line: string) => void;
}

interface OpenDevice {
  readonly info: HidDeviceInfo;
  readonly rule: HidDeviceRule;
  readonly connection: HidConnection;
  readonly release: () => void;
}

type DecodeOutcome = { readonly kind: 'scan'; readonly text: string; readonly symbology: string | null } | { readonly kind: 'buttons'; readonly presses: readonly ('information' | 'emergency')[] };

/**
 * Finds, opens and watches the kiosk's HID devices (QR scanners, help buttons) through a
 * transport: node-hid in production, injected reports in tests and simulation. Polls the device
 * list for hot-plug; a device that errors is closed and opened again at the next poll.
 */
export class HidDevices {
  private readonly open = new Map<string, OpenDevice>();
  private readonly opening = new Set<string>();
  private readonly listeners = new Set<(update: DeviceUpdate) => void>();
  private readonly trackers: Record<'qr-scanner' | 'help-buttons', HealthTracker>;
  private readonly log: (line: string) => void;
  private timer: NodeJS.Timeout | null = null;
  private scanning: Promise<void> | null = null;
  private running = false;
  /** Reports dropped as malformed since start. */
  badReports = 0;

  constructor(private readonly options: HidDevicesOptions) {
    const clock = options.clock ?? systemClock;
    this.log = options.log ?? (() => undefined);
    const tracker = (kind: 'qr-scanner' | 'help-buttons'): HealthTracker =>
      new HealthTracker(clock, (health) => this.emit({ type: 'health', kind, device: kind, health }));
    this.trackers = { 'qr-scanner': tracker('qr-scanner'), 'help-buttons': tracker('help-buttons') };
  }

  get transportMode(): HidTransport['mode'] {
    return this.options.transport.mode;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.rescan();
    this.timer = setInterval(() => void this.rescan(), this.options.pollIntervalMs ?? HID_POLL_INTERVAL_MS);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.scanning;
    await Promise.all([...this.open.keys()].map((p) => this.close(p)));
  }

  /** Reads the device list now: opens new matching devices, forgets removed ones. */
  rescan(): Promise<void> {
    this.scanning ??= this.doRescan().finally(() => {
      this.scanning = null;
    });
    return this.scanning;
  }

  subscribe(listener: (update: DeviceUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Paths of the devices open now, with their table names. */
  openDevices(): readonly { readonly path: string; readonly name: string }[] {
    return [...this.open.values()].map((d) => ({ path: d.info.path, name: d.rule.name }));
  }

  scanner(): QrScanner {
    return this.facade('qr-scanner');
  }

  helpButtons(): HelpButtons {
    return this.facade('help-buttons');
  }

  private facade(kind: 'qr-scanner' | 'help-buttons'): QrScanner & HelpButtons {
    const wanted: DeviceUpdate['type'] = kind === 'qr-scanner' ? 'qr-scan' : 'help-button';
    return {
      health: () => this.trackers[kind].value,
      subscribe: (listener) =>
        this.subscribe((u) => {
          if (u.type === wanted || (u.type === 'health' && u.kind === kind)) listener(u);
        }),
    };
  }

  private async doRescan(): Promise<void> {
    if (!this.running) return;
    let listed: readonly HidDeviceInfo[];
    try {
      listed = await this.options.transport.enumerate();
    } catch (e) {
      this.log(`hid: enumerate failed: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    const present = new Set(listed.map((d) => d.path));
    for (const path of [...this.open.keys()]) {
      if (!present.has(path)) await this.close(path);
    }
    for (const info of listed) {
      const rule = matchHidDevice(info, this.options.table ?? DEFAULT_HID_DEVICE_TABLE);
      if (!rule || this.open.has(info.path) || this.opening.has(info.path) || !this.running) continue;
      this.opening.add(info.path);
      try {
        await this.attach(info, rule);
      } catch (e) {
        this.log(`hid: cannot open ${info.path} (${rule.name}): ${e instanceof Error ? e.message : String(e)}`);
        this.trackers[kindOf(rule)].set('fault', 'open-failed', `${rule.name}: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        this.opening.delete(info.path);
      }
    }
    this.updateHealth();
  }

  private async attach(info: HidDeviceInfo, rule: HidDeviceRule): Promise<void> {
    const connection = await this.options.transport.open(info);
    const decode = decoderFor(rule);
    const offReport = connection.onReport((report) => {
      const outcome = decode(report);
      if (outcome === null) return;
      if ('code' in outcome) {
        this.badReports++;
        this.log(`hid: ${info.path}: ${outcome.reason}`);
        return;
      }
      if (outcome.kind === 'scan') {
        this.emit({ type: 'qr-scan', device: info.path, scan: { text: outcome.text, symbology: outcome.symbology, source: info.path } });
      } else {
        for (const button of outcome.presses) this.emit({ type: 'help-button', device: info.path, press: { button, source: info.path } });
      }
    });
    const offError = connection.onError((e) => {
      this.log(`hid: ${info.path}: ${e.message}; reopening at next poll`);
      void this.close(info.path).then(() => this.updateHealth());
    });
    this.open.set(info.path, { info, rule, connection, release: () => (offReport(), offError()) });
    this.log(`hid: open ${info.path} as ${rule.name} (${this.options.transport.mode})`);
  }

  private async close(path: string): Promise<void> {
    const device = this.open.get(path);
    if (!device) return;
    this.open.delete(path);
    device.release();
    await device.connection.close().catch(() => undefined);
  }

  private updateHealth(): void {
    for (const kind of ['qr-scanner', 'help-buttons'] as const) {
      const devices = [...this.open.values()].filter((d) => kindOf(d.rule) === kind);
      const tracker = this.trackers[kind];
      if (devices.length > 0) tracker.set('ok', null, devices.map((d) => d.rule.name).join(', '));
      else if (tracker.value.code !== 'open-failed') tracker.set('absent', 'not-found', `no ${kind} connected`);
    }
  }

  private emit(update: DeviceUpdate): void {
    for (const l of this.listeners) {
      try {
        l(update);
      } catch (e) {
        this.log(`hid: listener failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
}

function kindOf(rule: HidDeviceRule): Extract<DeviceKind, 'qr-scanner' | 'help-buttons'> {
  return rule.kind === 'help-buttons' ? 'help-buttons' : 'qr-scanner';
}

function decoderFor(rule: HidDeviceRule): (report: Uint8Array) => DecodeOutcome | { readonly code: string; readonly reason: string } | null {
  switch (rule.kind) {
    case 'hid-pos-scanner': {
      const assembler = new HidPosAssembler();
      return (report) => {
        const r = assembler.push(report);
        return r === null || 'code' in r ? r : { kind: 'scan', text: r.text, symbology: r.symbology };
      };
    }
    case 'keyboard-wedge-scanner': {
      const decoder = new KeyboardWedgeDecoder();
      return (report) => {
        const r = decoder.push(report);
        return r === null || 'code' in r ? r : { kind: 'scan', text: r.text, symbology: null };
      };
    }
    case 'help-buttons': {
      const decoder = new ButtonDecoder(rule.buttons ?? { byte: 0, information: 0x01, emergency: 0x02 });
      return (report) => {
        const r = decoder.push(report);
        if ('code' in r) return r;
        return r.length > 0 ? { kind: 'buttons', presses: r } : null;
      };
    }
  }
}
