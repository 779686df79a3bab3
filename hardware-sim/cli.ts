/**
 * `npm run -s sim -- <command>`: the hardware sim's control CLI. See docs/hardware-sim.md.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { VPCD_SLOTS } from './card/virtual-card.js';
import type { CardFaults } from './card/faults.js';
import { writeCardImages } from './cards/build.js';
import { DEFAULT_SIM_PORT, startSimDaemon } from './daemon/index.js';
import type { ReaderState } from './daemon/card-readers.js';

const USAGE = `usage: npm run -s sim -- <command>
  serve [--port ${DEFAULT_SIM_PORT}]            run the sim daemon (control API + panel on 127.0.0.1)
  tap <image> [--reader 0|1|"Virtual PCD 00 01"] [--remove-after N] [--delay MS] [--garbage]
  remove [--reader …]                 take the card off a reader
  list                                readers and what is on them; card images available
  cards build                         regenerate hardware-sim/cards/*.json from build.ts
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

function describeReader(r: ReaderState): string {
  const what = r.card ? `${r.card.image} (${r.card.apduCount} APDUs${r.card.faults ? `, faults ${JSON.stringify(r.card.faults)}` : ''})` : 'empty';
  return `reader ${r.slot} "${r.reader}" (vpcd :${r.port}): ${what}`;
}

async function serve(port: number, io: CliIo): Promise<number> {
  let server;
  try {
    server = await startSimDaemon({ port, log: io.err });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(code === 'EADDRINUSE' ? `port ${port} is in use (another sim daemon?); choose one with --port` : `cannot start: ${(e as Error).message}`);
  }
  io.out(`sim: control API and panel on ${server.url}`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  io.err('sim: stopped; cards removed');
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
        return await serve(port, io);
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
