/**
 * `kiosk card read [--reader NAME] [--timeout SECONDS] [--json] [--city CODE] [--low-balance FEN]
 * [--blocklist FILE] [--config FILE]`: waits for a card on the real PC/SC stack and prints it.
 * Exit 0 read, 2 usage, 3 a card the kiosk cannot serve, 4 no reader or no card in time.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { CardReadError, CardReadErrorCode, CardSnapshot } from '../../shared/card.js';
import type { CardReaderEvent } from '../../shared/card-reader.js';
import { SupervisedCardReaderService } from '../../driver/pcsc/supervised-service.js';
import { cardReport, formatCardError, formatCardReport } from '../diagnosis/card-report.js';
import { diagnose, type Blocklist } from '../diagnosis/diagnose.js';
import { shanghaiDate } from '../../shared/shanghai-date.js';
import { homeFamilyOf, type AcceptedCards } from '../diagnosis/acceptance.js';
import { loadKioskConfig } from '../config/index.js';

const DEFAULT_TIMEOUT_S = 30;
const DEFAULT_LOW_BALANCE_FEN = 500;
/** A read that started before the deadline may finish this long after it. */
const READ_GRACE_MS = 15_000;

type Outcome = { readonly kind: 'read'; readonly reader: string; readonly snapshot: CardSnapshot } | { readonly kind: 'error'; readonly error: CardReadError };

class UsageError extends Error {}

interface Options {
  readonly reader: string | null;
  readonly timeoutMs: number;
  readonly json: boolean;
  readonly city: string | null;
  /** The station's accepted cards (from the kiosk config); null: T-Union cards. */
  readonly acceptedCards: AcceptedCards | null;
  readonly lowBalance: number;
  readonly blocklist: Blocklist;
  readonly verbose: boolean;
}

async function options(args: string[]): Promise<Options> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      reader: { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean', default: false },
      city: { type: 'string' },
      'low-balance': { type: 'string' },
      blocklist: { type: 'string' },
      config: { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1 || positionals[0] !== 'read') throw new UsageError('usage: kiosk card read [--reader NAME] [--timeout SECONDS] [--json] [--city CODE] [--low-balance FEN] [--blocklist FILE] [--config FILE]');
  const configPath = values.config ?? process.env['KIOSK_CONFIG'];
  const config = configPath ? await loadKioskConfig(configPath) : null;
  const timeout = values.timeout === undefined ? DEFAULT_TIMEOUT_S : Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError(`--timeout must be a positive number of seconds, got ${values.timeout}`);
  const lowBalance = values['low-balance'] === undefined ? (config?.lowBalanceThreshold ?? DEFAULT_LOW_BALANCE_FEN) : Number(values['low-balance']);
  if (!Number.isInteger(lowBalance) || lowBalance < 0) throw new UsageError(`--low-balance must be a whole number of fen, got ${values['low-balance']}`);
  const city = values.city ?? config?.cityCode ?? null;
  if (city !== null && !/^\d{4}$/.test(city)) throw new UsageError(`--city must be 4 digits, got ${city}`);
  return {
    reader: values.reader ?? config?.readerName ?? null,
    timeoutMs: timeout * 1000,
    json: values.json,
    city,
    acceptedCards: config?.acceptedCards ?? null,
    lowBalance,
    blocklist: values.blocklist ? await loadBlocklist(values.blocklist) : new Map(),
    verbose: values.verbose,
  };
}

/** `{"entries":[{"cardNumber":"…","reason":"…"}]}` (the simulator's and central's down-sync shape). */
async function loadBlocklist(file: string): Promise<Blocklist> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`--blocklist ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const entries = (json as { entries?: unknown }).entries;
  if (!Array.isArray(entries)) throw new UsageError(`--blocklist ${file}: expected {"entries":[{"cardNumber","reason"}]}`);
  const map = new Map<string, string>();
  for (const e of entries as unknown[]) {
    const { cardNumber, reason } = (e ?? {}) as { cardNumber?: unknown; reason?: unknown };
    if (typeof cardNumber !== 'string' || typeof reason !== 'string') throw new UsageError(`--blocklist ${file}: every entry needs cardNumber and reason strings`);
    map.set(cardNumber, reason);
  }
  return map;
}

function waitForCard(service: SupervisedCardReaderService, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    let reading = false;
    let timer: NodeJS.Timeout;
    const finish = (o: Outcome): void => {
      clearTimeout(timer);
      unsubscribe();
      resolve(o);
    };
    const unsubscribe = service.subscribe((e: CardReaderEvent) => {
      if (e.type === 'card-present') reading = true;
      else if (e.type === 'card-read') finish({ kind: 'read', reader: e.reader, snapshot: e.snapshot });
      else if (e.type === 'card-error') finish({ kind: 'error', error: e.error });
    });
    const deadline = (): void => {
      const health = service.health();
      if (health.state === 'pcscd-down') finish({ kind: 'error', error: { code: 'no-reader', message: `pcscd is not running (${health.detail})` } });
      else if (health.state === 'no-reader') finish({ kind: 'error', error: { code: 'no-reader', message: 'no card reader found' } });
      else if (!reading) finish({ kind: 'error', error: { code: 'no-card', message: `no card within ${timeoutMs / 1000} s` } });
      else timer = setTimeout(() => finish({ kind: 'error', error: { code: 'timeout', message: 'the card read did not finish' } }), READ_GRACE_MS);
    };
    timer = setTimeout(deadline, timeoutMs);
  });
}

const EXIT_OF: Record<CardReadErrorCode, number> = {
  'unsupported-card': 3,
  'unreadable-card': 3,
  'card-removed': 3,
  'reader-gone': 3,
  timeout: 3,
  'no-reader': 4,
  'no-card': 4,
};

export async function run(args: string[]): Promise<number> {
  const json = args.includes('--json');
  let opts: Options;
  try {
    opts = await options(args);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (json) process.stdout.write(JSON.stringify({ error: { code: 'usage', message } }) + '\n');
    else process.stderr.write(`kiosk card: ${message}\n`);
    return 2;
  }
  const service = new SupervisedCardReaderService({
    readerName: opts.reader,
    homeFamily: opts.city === null ? null : homeFamilyOf(opts.city),
    ...(opts.verbose ? { log: (level: string, message: string) => process.stderr.write(`[${level}] ${message}\n`) } : {}),
  });
  let outcome: Outcome;
  try {
    await service.start();
    outcome = await waitForCard(service, opts.timeoutMs);
  } finally {
    await service.stop();
  }
  if (outcome.kind === 'error') {
    if (opts.json) process.stdout.write(JSON.stringify({ error: { code: outcome.error.code, message: outcome.error.message, ...(outcome.error.family ? { family: outcome.error.family } : {}) } }) + '\n');
    else process.stderr.write(formatCardError(outcome.error));
    return EXIT_OF[outcome.error.code];
  }
  const diagnosis = diagnose(outcome.snapshot, { today: shanghaiDate(new Date()), stationCityCode: opts.city, lowBalanceThreshold: opts.lowBalance, blocklist: opts.blocklist, ...(opts.acceptedCards ? { acceptedCards: opts.acceptedCards } : {}) });
  const report = cardReport(outcome.reader, outcome.snapshot, diagnosis);
  process.stdout.write(opts.json ? JSON.stringify(report) + '\n' : formatCardReport(report));
  return 0;
}
