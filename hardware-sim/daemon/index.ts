/** The sim daemon: card readers plus the devices passed in (printer, cabinet, HID from `../devices/`) behind one loopback control API. */
import { CardReaders } from './card-readers.js';
import { startSimServer, type SimServer } from './server.js';
import type { SimDevice } from './sim-device.js';

export { CardReaders, type CardReadersOptions, type ReaderState } from './card-readers.js';
export { DEFAULT_SIM_PORT, startSimServer, type SimServer, type SimServerOptions } from './server.js';
export { SimRequestError, type SimApiError, type SimDevice } from './sim-device.js';

export interface SimDaemonOptions {
  readonly host?: string;
  readonly port?: number;
  /** More devices beside the card readers: `(await startSimDevices()).devices` from `../devices/index.js`. */
  readonly extraDevices?: readonly SimDevice[];
  readonly log?: (line: string) => void;
}

/** Starts the daemon with the card readers plus any extra devices. */
export function startSimDaemon(options: SimDaemonOptions = {}): Promise<SimServer> {
  const devices: SimDevice[] = [new CardReaders(options.log ? { log: options.log } : {}), ...(options.extraDevices ?? [])];
  return startSimServer({ devices, ...(options.host ? { host: options.host } : {}), ...(options.port !== undefined ? { port: options.port } : {}), ...(options.log ? { log: options.log } : {}) });
}
