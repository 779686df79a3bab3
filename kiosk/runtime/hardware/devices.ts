import type { CardReaderService } from '../../../shared/card-reader.js';
import type { CabinetController, DeviceHealth, DeviceUpdate, HidTransport, HelpButton, ReceiptPrinter } from '../../../shared/devices.js';
import { SerialCabinetController } from '../../../driver/cabinet/cabinet-controller.js';
import type { SerialBinding } from '../../../driver/serial/binding.js';
import { HidDevices } from '../../../driver/hid/hid-devices.js';
import { RemoteHidTransport } from '../../../driver/hid/remote-transport.js';
import type { HidConfig } from '../../config/index.js';
import type { FaultMonitor } from '../../fault-monitor/fault-monitor.js';
import type { Logger } from '../logger.js';

/** How often the fault monitor re-checks time-based rules and the sync backlog. */
export const FAULT_TICK_MS = 15_000;

export interface KioskDevicesParts {
  readonly printer: ReceiptPrinter | null;
  readonly cabinet: CabinetController | null;
  readonly hid: HidDevices | null;
  /** Closed on stop when it can be (the remote transport holds a socket). */
  readonly hidTransport: HidTransport | null;
  readonly cardReader: CardReaderService;
  readonly monitor: FaultMonitor | null;
  /** Oldest outbox row still to deliver, and the clock offset to central, for the monitor. */
  readonly backlog: () => Promise<{ readonly oldestPendingAt: string | null; readonly clockOffsetMs: number | null }>;
  readonly logger: Logger;
}

/** A scanned code or a pressed help button, as the runtime hands it to the session. */
export type DeviceInput = { readonly type: 'scan'; readonly code: string } | { readonly type: 'help'; readonly button: HelpButton };

/**
 * The kiosk's peripherals besides the card reader: receipt printer, cabinet controller, QR
 * scanner and help buttons, and the self-diagnosis watching all of them. Starts and stops them
 * as one part; a device that fails to start is logged and left to its own reconnect loop.
 */
export class KioskDevices {
  private readonly unsubscribes: (() => void)[] = [];
  private readonly inputs = new Set<(input: DeviceInput) => void>();
  private tickTimer: NodeJS.Timeout | null = null;

  constructor(readonly parts: KioskDevicesParts) {}

  /** Device name → health now, for the agent's call context and the maintenance status. */
  health(): Record<string, DeviceHealth> {
    const out: Record<string, DeviceHealth> = {};
    const { printer, cabinet, hid } = this.parts;
    if (printer) out['printer'] = printer.health();
    if (cabinet) out['cabinet'] = cabinet.health();
    if (hid) {
      out['qr-scanner'] = hid.scanner().health();
      out['help-buttons'] = hid.helpButtons().health();
    }
    return out;
  }

  /** Scanned codes and help-button presses. Returns the unsubscribe function. */
  onInput(listener: (input: DeviceInput) => void): () => void {
    this.inputs.add(listener);
    return () => this.inputs.delete(listener);
  }

  /** Maintenance on/off: the monitor then expects the cabinet door open. */
  setMaintenance(active: boolean): void {
    this.parts.monitor?.setMaintenance(active);
  }

  async start(): Promise<void> {
    const { printer, cabinet, hid, monitor, cardReader, logger } = this.parts;
    if (monitor) {
      for (const d of [printer, cabinet, hid]) if (d) this.unsubscribes.push(monitor.watch(d));
      this.unsubscribes.push(cardReader.subscribe((e) => (e.type === 'reader-added' || e.type === 'reader-removed' ? monitor.observeCardReader(cardReader.health()) : undefined)));
    }
    if (hid) {
      this.unsubscribes.push(
        hid.subscribe((u: DeviceUpdate) => {
          if (u.type === 'qr-scan') this.input({ type: 'scan', code: u.scan.text });
          else if (u.type === 'help-button') this.input({ type: 'help', button: u.press.button });
        }),
      );
    }
    const start = async (name: string, device: { start(): Promise<void> } | null) => {
      if (!device) return;
      try {
        await device.start();
      } catch (e) {
        logger.error(`${name} did not start`, { error: e instanceof Error ? e.message : String(e) });
      }
    };
    await start('printer', printer);
    await start('cabinet', cabinet);
    await start('hid', hid);
    if (monitor) {
      for (const [device, health] of Object.entries(this.health())) monitor.observeDevice(device, health);
      monitor.observeCardReader(cardReader.health());
      this.tickTimer = setInterval(() => void this.tick(), FAULT_TICK_MS);
      this.tickTimer.unref();
      await this.tick();
    }
  }

  /** Feeds the monitor the slow-changing observations and lets it evaluate. */
  async tick(): Promise<void> {
    const { monitor, cardReader } = this.parts;
    if (!monitor) return;
    try {
      const b = await this.parts.backlog();
      monitor.observeSync({ oldestPendingAt: b.oldestPendingAt });
      monitor.observeClockOffset(b.clockOffsetMs);
      monitor.observeCardReader(cardReader.health());
      await monitor.tick();
    } catch (e) {
      this.parts.logger.warn('fault monitor tick failed', { error: e instanceof Error ? e.message : String(e) });
    }
  }

  async stop(): Promise<void> {
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = null;
    for (const u of this.unsubscribes.splice(0)) u();
    const { printer, cabinet, hid, hidTransport, monitor, logger } = this.parts;
    const stop = async (name: string, fn: (() => Promise<void> | void) | undefined) => {
      try {
        await fn?.();
      } catch (e) {
        logger.error(`stopping ${name} failed`, { error: e instanceof Error ? e.message : String(e) });
      }
    };
    await stop('fault monitor', monitor ? () => monitor.stop() : undefined);
    await stop('hid', hid ? () => hid.stop() : undefined);
    await stop('hid transport', closerOf(hidTransport));
    await stop('cabinet', cabinet ? () => cabinet.stop() : undefined);
    await stop('printer', printer ? () => printer.stop() : undefined);
  }

  private input(input: DeviceInput): void {
    for (const l of this.inputs) {
      try {
        l(input);
      } catch (e) {
        this.parts.logger.error('device input listener failed', { error: e instanceof Error ? e.message : String(e) });
      }
    }
  }
}

function closerOf(transport: HidTransport | null): (() => Promise<void>) | undefined {
  const close = (transport as { close?: () => Promise<void> } | null)?.close;
  return typeof close === 'function' ? () => close.call(transport) : undefined;
}

/** The HID transport the config asks for; null when the kiosk has no HID devices. */
export async function hidTransportFor(config: HidConfig | null, logger: Logger): Promise<HidTransport | null> {
  if (!config) return null;
  const log = (line: string) => logger.info(line, { device: 'hid' });
  if (config.transport === 'remote') return new RemoteHidTransport({ url: config.url, log });
  const { nodeHidTransport } = await import('../../../driver/hid/node-hid-transport.js');
  return nodeHidTransport;
}

/** The cabinet controller on its serial device, or null. */
export function cabinetFor(path: string | null, binding: SerialBinding, logger: Logger): SerialCabinetController | null {
  return path ? new SerialCabinetController({ criteria: { path }, binding, log: (line) => logger.info(line, { device: 'cabinet' }) }) : null;
}

/** HID devices over a transport, or null. */
export function hidDevicesFor(transport: HidTransport | null, logger: Logger): HidDevices | null {
  return transport ? new HidDevices({ transport, log: (line) => logger.info(line, { device: 'hid' }) }) : null;
}
