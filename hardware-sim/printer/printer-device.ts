import { PtyDevice } from '../serial/pty-device.js';
import { SimulatedPrinter, type SimulatedPrinterOptions } from './printer-sim.js';

export interface SimulatedPrinterDeviceOptions extends SimulatedPrinterOptions {
  /** Path the kiosk's printer driver opens. */
  readonly hostPath: string;
}

/** The simulated ESC/POS printer on a pseudo-terminal: start/stop for the sim daemon, plug controls for tests. */
export class SimulatedPrinterDevice {
  readonly printer: SimulatedPrinter;
  readonly link: PtyDevice;

  constructor(options: SimulatedPrinterDeviceOptions) {
    this.printer = new SimulatedPrinter(options);
    this.link = new PtyDevice({ hostPath: options.hostPath, onBytes: (chunk) => this.printer.receive(chunk) });
  }

  start(): Promise<void> {
    return this.link.start();
  }

  async stop(): Promise<void> {
    await this.link.stop();
    await this.printer.flushed();
  }
}
