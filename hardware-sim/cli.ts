/**
 * `npm run -s sim -- <command>`: the hardware sim's control CLI. See docs/hardware-sim.md.
 */
import { createServer } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { VPCD_SLOTS } from './virtual-card/virtual-card.js';
import type { CardFaults } from './virtual-card/faults.js';
import { writeCardImages } from './card-images/build.js';
import { writeTechnicianCard } from './card-images/technician-card.js';
import { DEFAULT_SIM_PORT, startSimDaemon, type SimServer } from './daemon/index.js';
import type { ReaderState } from './daemon/card-readers.js';
import { startSimDevices, type CabinetSimState, type HidDelivery, type HidSimState, type PrinterSimState, type SimDevices } from './devices/index.js';
import { PtyPairError } from './serial/pty-pair.js';

const USAGE = `usage: npm run -s sim -- <command>
  serve [--port ${DEFAULT_SIM_PORT}] [--pty-dir var/sim] [--receipts var/receipts] [--no-serial]
                                      run the sim daemon (control API + panel on 127.0.0.1): cards, printer
                                      and cabinet on ptys (<pty-dir>/printer, <pty-dir>/cabinet), HID over IPC
  devices                             every simulated device and its state
  printer paper ok|near-end|out       printer controls
  printer cover open|closed
  printer offline on|off
  printer unplug|replug
  printer receipts                    receipts printed since the daemon started
  cabinet door open|closed            cabinet controller controls
  cabinet power mains|battery [--battery PERCENT]
  cabinet temperature CELSIUS
  cabinet unplug|replug
  scan <text> [--keyboard]            the QR scanner reads <text> (HID-POS; --keyboard: keyboard-wedge scanner)
  press information|emergency         a help button is pressed
  hid unplug|replug scanner|wedge-scanner|buttons
  tap <image> [--reader 0|1|"Virtual PCD 00 01"] [--remove-after N] [--delay MS] [--garbage]
  remove [--reader …]                 take the card off a reader
  list                                readers and what is on them; card images available
  cards build                         regenerate hardware-sim/card-images/*.json from build.ts
  technician-card ID --pin PIN --public-key FILE.pem [--image NAME] [--tries N] [--dir DIR]
                                      a new technician card with a fresh ECDSA P-256 key pair: the image
                                      (DIR/NAME.json, 0600; default hardware-sim/card-images/technician-<id>.json) holds
                                      the private key and the PIN; FILE.pem gets the public key for
                                      \`central technician add ID --name NAME --public-key FILE.pem\`
Commands other than serve talk to a running daemon (--port, or SIM_PORT; default ${DEFAULT_SIM_PORT}).`;

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}
const stdio: CliIo = { out: (l) => process.stdout.write(l + '\n'), err: (l) => process.stderr.write(l + '\n') };

class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

function readerSlot(value: string | undefined): number {
  if (value === undefined) return 0;
  const byName = VPCD_SLOTS.findIndex((s) => s.reader === value);
  if (byName >= 0) return byName;
  if (/^\d+$/.test(value) && Number(value) < VPCD_SLOTS.length) return Number(value);
  throw new CliError(`unknown reader ${JSON.stringify(value)}; use ${VPCD_SLOTS.map((s, i) => `${i} or "${s.reader}"`).join(', ')}`, 2);
}

function count(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new CliError(`${what} must be a whole number, got ${JSON.stringify(value)}`, 2);
  return Number(value);
}

async function call<T>(baseUrl: string, method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(baseUrl + route, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(20_000),
    });
  } catch {
    throw new CliError(`the sim daemon is not answering at ${baseUrl}; start it with: npm run -s sim -- serve${baseUrl.endsWith(`:${DEFAULT_SIM_PORT}`) ? '' : ` --port ${new URL(baseUrl).port}`}`);
  }
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const message = (json as { error?: { message?: string } } | null)?.error?.message ?? `${res.status} ${res.statusText}`;
    throw new CliError(message);
  }
  return json as T;
}

function choice<T extends string>(value: string | undefined, choices: readonly T[], usage: string): T {
  if (value !== undefined && (choices as readonly string[]).includes(value)) return value as T;
  throw new CliError(`usage: ${usage}`, 2);
}

function describePrinter(p: PrinterSimState): string {
  const receipt = p.latestReceipt ? `, latest receipt ${p.latestReceipt.number} (${p.latestReceipt.pngPath})` : '';
  return `printer ${p.plugged ? 'plugged' : 'UNPLUGGED'} at ${p.hostPath}: paper ${p.paper}, cover ${p.coverOpen ? 'open' : 'closed'}${p.offline ? ', offline' : ''}, ${p.receipts} receipt(s)${receipt}`;
}

function describeCabinet(c: CabinetSimState): string {
  return `cabinet ${c.plugged ? 'plugged' : 'UNPLUGGED'} at ${c.hostPath}: door ${c.door}, ${c.temperatureC} °C, power ${c.power}, battery ${c.batteryPercent}%`;
}

function describeHid(h: HidSimState): string {
  const devices = h.devices.map((d) => `${d.role} ${d.plugged ? 'plugged' : 'UNPLUGGED'} (${d.info.path}, opened by ${d.openedBy})`).join('; ');
  return `HID (${h.mode} over IPC, not kernel uhid) at ${h.ipcUrl ?? '—'}, ${h.ipcClients} client(s): ${devices}`;
}

function describeDelivery(what: string, d: HidDelivery): string {
  return d.delivered > 0 ? `${what}: ${d.reports} report(s) to ${d.delivered} kiosk connection(s)` : `${what}: ${d.reports} report(s) sent, but no kiosk runtime has the device open`;
}

function describeReader(r: ReaderState): string {
  const what = r.card ? `${r.card.image} (${r.card.apduCount} APDUs${r.card.faults ? `, faults ${JSON.stringify(r.card.faults)}` : ''})` : 'empty';
  return `reader ${r.slot} "${r.reader}" (vpcd :${r.port}): ${what}`;
}

interface ServeOptions {
  readonly port: number;
  readonly ptyDir: string | undefined;
  readonly receiptsDir: string | undefined;
  readonly serial: boolean;
}

/** Whether the port is free, checked before the ptys are made: a second daemon must not take over the first one's pty links. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host: '127.0.0.1', port }, () => probe.close(() => resolve(true)));
  });
}

async function serve(options: ServeOptions, io: CliIo): Promise<number> {
  if (options.port !== 0 && !(await portFree(options.port))) throw new CliError(`port ${options.port} is in use (another sim daemon?); choose one with --port`);
  let devices: SimDevices;
  try {
    devices = await startSimDevices({ serial: options.serial, ...(options.ptyDir ? { ptyDir: options.ptyDir } : {}), ...(options.receiptsDir ? { receiptsDir: options.receiptsDir } : {}), log: io.err });
  } catch (e) {
    throw new CliError(e instanceof PtyPairError ? e.message : `cannot start the simulated devices: ${(e as Error).message}`);
  }
  let server: SimServer;
  try {
    server = await startSimDaemon({ port: options.port, extraDevices: devices.devices, log: io.err });
  } catch (e) {
    await devices.stop();
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(code === 'EADDRINUSE' ? `port ${options.port} is in use (another sim daemon?); choose one with --port` : `cannot start: ${(e as Error).message}`);
  }
  // Listen for the stop signals before announcing: whoever reads the announcement may stop us at once.
  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  if (devices.printer) io.out(`sim: printer on ${devices.printer.device.link.hostPath} (receipts in ${devices.printer.state().receiptsDir})`);
  if (devices.cabinet) io.out(`sim: cabinet controller on ${devices.cabinet.device.link.hostPath}`);
  if (!options.serial) io.out('sim: no printer or cabinet (--no-serial)');
  io.out(`sim: HID scanner and help buttons in injected-reports mode over IPC (not kernel uhid): ${devices.hid.ipcUrl ?? '?'}`);
  io.out(`sim: control API and panel on ${server.url}`);
  await stopped;
  await server.close();
  await devices.stop();
  io.err('sim: stopped; cards removed, ptys closed');
  return 0;
}

async function printerCommand(baseUrl: string, args: readonly string[], io: CliIo): Promise<number> {
  const usage = 'printer paper ok|near-end|out | cover open|closed | offline on|off | unplug | replug | receipts';
  const [what, value] = args;
  let state: PrinterSimState;
  switch (what) {
    case 'paper':
      state = await call<PrinterSimState>(baseUrl, 'POST', '/api/printer/paper', { level: choice(value, ['ok', 'near-end', 'out'], usage) });
      break;
    case 'cover':
      state = await call<PrinterSimState>(baseUrl, 'POST', '/api/printer/cover', { state: choice(value, ['open', 'closed'], usage) });
      break;
    case 'offline':
      state = await call<PrinterSimState>(baseUrl, 'POST', '/api/printer/offline', { offline: choice(value, ['on', 'off'], usage) === 'on' });
      break;
    case 'unplug':
    case 'replug':
      state = await call<PrinterSimState>(baseUrl, 'POST', `/api/printer/${what}`);
      break;
    case 'receipts': {
      const receipts = await call<PrinterSimState['latestReceipt'][]>(baseUrl, 'GET', '/api/printer/receipts');
      if (receipts.length === 0) io.out('no receipts printed since the daemon started');
      for (const r of receipts) if (r) io.out(`receipt ${r.number} at ${r.printedAt}: ${r.pngPath}`);
      return 0;
    }
    default:
      throw new CliError(`usage: ${usage}`, 2);
  }
  io.out(describePrinter(state));
  return 0;
}

async function cabinetCommand(baseUrl: string, args: readonly string[], battery: string | undefined, io: CliIo): Promise<number> {
  const usage = 'cabinet door open|closed | power mains|battery [--battery PERCENT] | temperature CELSIUS | unplug | replug';
  const [what, value] = args;
  let state: CabinetSimState;
  switch (what) {
    case 'door':
      state = await call<CabinetSimState>(baseUrl, 'POST', '/api/cabinet/door', { state: choice(value, ['open', 'closed'], usage) });
      break;
    case 'power': {
      const source = choice(value, ['mains', 'battery'], usage);
      const percent = count(battery, '--battery');
      state = await call<CabinetSimState>(baseUrl, 'POST', '/api/cabinet/power', percent === undefined ? { source } : { source, batteryPercent: percent });
      break;
    }
    case 'temperature': {
      if (value === undefined || !/^-?\d+(\.\d+)?$/.test(value)) throw new CliError(`usage: ${usage}`, 2);
      state = await call<CabinetSimState>(baseUrl, 'POST', '/api/cabinet/temperature', { celsius: Number(value) });
      break;
    }
    case 'unplug':
    case 'replug':
      state = await call<CabinetSimState>(baseUrl, 'POST', `/api/cabinet/${what}`);
      break;
    default:
      throw new CliError(`usage: ${usage}`, 2);
  }
  io.out(describeCabinet(state));
  return 0;
}

/** Runs one CLI command; returns the exit code (0 ok, 1 failed, 2 usage). */
export async function main(argv: readonly string[], io: CliIo = stdio): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        port: { type: 'string' },
        reader: { type: 'string' },
        'remove-after': { type: 'string' },
        delay: { type: 'string' },
        garbage: { type: 'boolean' },
        'pty-dir': { type: 'string' },
        receipts: { type: 'string' },
        'no-serial': { type: 'boolean' },
        keyboard: { type: 'boolean' },
        battery: { type: 'string' },
        pin: { type: 'string' },
        'public-key': { type: 'string' },
        image: { type: 'string' },
        tries: { type: 'string' },
        dir: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    const [command, ...rest] = positionals;
    if (values.help || command === undefined) {
      io.out(USAGE);
      return command === undefined && !values.help ? 2 : 0;
    }
    const port = count(values.port ?? process.env.SIM_PORT, '--port') ?? DEFAULT_SIM_PORT;
    const baseUrl = `http://127.0.0.1:${port}`;
    switch (command) {
      case 'serve':
        return await serve({ port, ptyDir: values['pty-dir'], receiptsDir: values.receipts, serial: !values['no-serial'] }, io);
      case 'devices': {
        const devices = await call<{ id: string; description: string; status: unknown }[]>(baseUrl, 'GET', '/api/devices');
        for (const d of devices) {
          if (d.id === 'printer') io.out(describePrinter(d.status as PrinterSimState));
          else if (d.id === 'cabinet') io.out(describeCabinet(d.status as CabinetSimState));
          else if (d.id === 'hid') io.out(describeHid(d.status as HidSimState));
          else if (d.id === 'card-readers') for (const r of (d.status as { readers: ReaderState[] }).readers) io.out(describeReader(r));
          else io.out(`${d.id}: ${d.description}`);
        }
        return 0;
      }
      case 'printer':
        return await printerCommand(baseUrl, rest, io);
      case 'cabinet':
        return await cabinetCommand(baseUrl, rest, values.battery, io);
      case 'scan': {
        const text = rest.join(' ');
        if (text.length === 0) throw new CliError('usage: scan <text> [--keyboard]', 2);
        const delivery = await call<HidDelivery>(baseUrl, 'POST', '/api/hid/scan', { text, mode: values.keyboard ? 'keyboard' : 'hid-pos' });
        io.out(describeDelivery(`scanned ${JSON.stringify(text)}`, delivery));
        return 0;
      }
      case 'press': {
        const button = choice(rest[0], ['information', 'emergency'], 'press information|emergency');
        io.out(describeDelivery(`${button} button pressed`, await call<HidDelivery>(baseUrl, 'POST', '/api/hid/press', { button })));
        return 0;
      }
      case 'hid': {
        const usage = 'hid unplug|replug scanner|wedge-scanner|buttons';
        const action = choice(rest[0], ['unplug', 'replug'], usage);
        const role = choice(rest[1], ['scanner', 'wedge-scanner', 'buttons'], usage);
        io.out(describeHid(await call<HidSimState>(baseUrl, 'POST', `/api/hid/${role}/${action}`)));
        return 0;
      }
      case 'tap': {
        const image = rest[0];
        if (!image) throw new CliError('tap needs a card image name; see `list`', 2);
        const removeAfter = count(values['remove-after'], '--remove-after');
        const delay = count(values.delay, '--delay');
        const faults: CardFaults = {
          ...(removeAfter !== undefined ? { removeAfterApdus: removeAfter } : {}),
          ...(delay ? { delayMs: delay } : {}),
          ...(values.garbage ? { garbage: [{ fromApdu: 2 }] } : {}),
        };
        const slot = readerSlot(values.reader);
        const state = await call<ReaderState>(baseUrl, 'POST', `/api/readers/${slot}/tap`, Object.keys(faults).length > 0 ? { image, faults } : { image });
        io.out(describeReader(state));
        return 0;
      }
      case 'remove': {
        const state = await call<ReaderState>(baseUrl, 'POST', `/api/readers/${readerSlot(values.reader)}/remove`);
        io.out(describeReader(state));
        return 0;
      }
      case 'list': {
        const readers = await call<ReaderState[]>(baseUrl, 'GET', '/api/readers');
        const cards = await call<{ name: string; description: string }[]>(baseUrl, 'GET', '/api/cards');
        for (const r of readers) io.out(describeReader(r));
        io.out('card images:');
        const width = Math.max(...cards.map((c) => c.name.length));
        for (const c of cards) io.out(`  ${c.name.padEnd(width)}  ${c.description}`);
        return 0;
      }
      case 'cards': {
        if (rest[0] !== 'build') throw new CliError('usage: cards build', 2);
        const files = await writeCardImages();
        io.out(`wrote ${files.length} files: ${files.join(', ')}`);
        return 0;
      }
      case 'technician-card': {
        const usage = 'usage: technician-card ID --pin PIN --public-key FILE.pem [--image NAME] [--tries N] [--dir DIR]';
        const technicianId = rest[0];
        if (!technicianId || values.pin === undefined || values['public-key'] === undefined) throw new CliError(usage, 2);
        const tries = count(values.tries, '--tries');
        let made: Awaited<ReturnType<typeof writeTechnicianCard>>;
        try {
          made = await writeTechnicianCard({
            technicianId,
            pin: values.pin,
            publicKeyFile: values['public-key'],
            ...(values.image !== undefined ? { name: values.image } : {}),
            ...(tries !== undefined ? { pinTries: tries } : {}),
            ...(values.dir !== undefined ? { dir: values.dir } : {}),
          });
        } catch (e) {
          if (e instanceof RangeError) throw new CliError(`${e.message}\n${usage}`, 2);
          throw e;
        }
        io.out(`card image ${made.image.name} (${made.imageFile}, holds the private key) for technician ${technicianId}`);
        io.out(`public key: ${made.publicKeyFile}; enrol it with: npm run -s central -- technician add ${technicianId} --name NAME --public-key ${made.publicKeyFile}`);
        return 0;
      }
      default:
        throw new CliError(`unknown command ${JSON.stringify(command)}\n${USAGE}`, 2);
    }
  } catch (e) {
    if (e instanceof CliError) {
      io.err(`sim: ${e.message}`);
      return e.exitCode;
    }
    if (e instanceof TypeError && (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`sim: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
