/**
 * Central's command line. Nothing here prints a stack trace: an error is one line on stderr.
 *
 *   central serve [--port 8081] [--host 127.0.0.1] [--data DIR] [--engine sqlite|postgres]
 *                 [--pg-url URL] [--pg-schema NAME] [--kiosk-id ID --kiosk-token T]
 *                 [--station ID] [--staff-token T] [--supervisor-token T] [--demo]
 *   central kiosk add <id> --station ID [--code CODE] [--token T]   (CODE: what its ticket ids start with; default the id when it is 2–8 of A–Z0–9)
 *   central kiosk rotate-token <id> [--token T]
 *   central kiosk revoke <id>
 *   central faq import <file.json>
 *   central stations import <file.csv>
 *   central blocklist add <cardNumber> --reason TEXT
 *   central technician add <id> --name NAME --public-key FILE.pem
 *   central technician revoke <id>
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { hashToken } from './api/auth.js';
import { FaqArticleInput, FaqParams, BlocklistEntry as BlocklistEntrySchema, KIOSK_ID_PATTERN } from './api/schemas.js';
import { createAjv } from './api/validation.js';
import { seedDemoFaq } from './seed/demo-faq.js';
import { seedDemoStations } from './seed/demo-stations.js';
import { DEMO_TECHNICIAN, seedDemoTechnician } from './seed/demo-technician.js';
import { parseStationCsv } from '../shared/stations.js';
import { seedKiosks, startCentral } from './server.js';
import { openCentralStorage } from './storage/open.js';
import type { CentralStorage, StorageConfig } from './storage/types.js';
import type { FaqArticle } from '../shared/sync.js';
import { TechnicianInput, TechnicianParams } from './api/schemas.js';
import { technicianCredential, TechnicianKeyError } from './technicians/routes.js';

const STORAGE_OPTIONS = {
  data: { type: 'string' },
  engine: { type: 'string' },
  'pg-url': { type: 'string' },
  'pg-schema': { type: 'string' },
} as const;

const USAGE = `usage:
  central serve [--port 8081] [--host 127.0.0.1] [--data DIR] [--engine sqlite|postgres] [--pg-url URL] [--pg-schema NAME]
                [--kiosk-id ID --kiosk-token T] [--station ID] [--kiosk-code CODE] [--staff-token T] [--supervisor-token T] [--demo]
                (no credential exists unless given; --demo adds the published demo ones: kiosk DEMO01 /
                 demo-kiosk-token-DEMO01, staff token demo-staff-token, demo FAQ; for a development machine only;
                 a staff token sees card numbers masked, a supervisor token may also reveal one, audited)
  central kiosk add <id> --station ID [--code CODE] [--token T]   (CODE: what its ticket ids start with; default the id when it is 2–8 of A–Z0–9)
  central kiosk rotate-token <id> [--token T]   (a new token for a known kiosk, printed once; the old one stops working)
  central kiosk revoke <id>                      (no token opens this kiosk any more, until rotate-token)
  central faq import <file.json>
  central stations import <file.csv>     (station tables per city; docs/central.md says the columns)
  central blocklist add <cardNumber> --reason TEXT
  central technician add <id> --name NAME --public-key FILE.pem   (the card's ECDSA P-256 public key; the card keeps its private key and checks its PIN)
  central technician revoke <id>   (kiosks refuse the technician's card from their next sync)
(every command takes the storage flags; env: CENTRAL_DATA, CENTRAL_ENGINE, CENTRAL_PG_URL,
 CENTRAL_KIOSK_ID, CENTRAL_KIOSK_TOKEN, CENTRAL_STATION, CENTRAL_KIOSK_CODE, CENTRAL_STAFF_TOKEN, CENTRAL_SUPERVISOR_TOKEN, CENTRAL_PORT)`;

class UsageError extends Error {}

type Flags = Partial<Record<keyof typeof STORAGE_OPTIONS, string>>;

function storageConfig(flags: Flags): { config: StorageConfig; dataDir: string } {
  const dataDir = resolve(flags.data ?? process.env['CENTRAL_DATA'] ?? 'var/central');
  const engine = flags.engine ?? process.env['CENTRAL_ENGINE'] ?? 'sqlite';
  if (engine === 'sqlite') {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    chmodSync(dataDir, 0o700);
    return { config: { engine: 'sqlite', file: resolve(dataDir, 'central.sqlite') }, dataDir };
  }
  if (engine !== 'postgres') throw new UsageError(`unknown engine ${engine} (sqlite or postgres)`);
  const url = flags['pg-url'] ?? process.env['CENTRAL_PG_URL'];
  if (!url) throw new UsageError('--engine postgres needs --pg-url URL (or CENTRAL_PG_URL)');
  const schema = flags['pg-schema'];
  return { config: schema ? { engine: 'postgres', url, schema } : { engine: 'postgres', url }, dataDir };
}

async function withStorage<T>(flags: Flags, fn: (storage: CentralStorage) => Promise<T>): Promise<T> {
  const storage = await openCentralStorage(storageConfig(flags).config);
  try {
    return await fn(storage);
  } finally {
    await storage.close();
  }
}

async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...STORAGE_OPTIONS,
      port: { type: 'string' },
      host: { type: 'string' },
      'kiosk-id': { type: 'string' },
      'kiosk-token': { type: 'string' },
      'kiosk-code': { type: 'string' },
      station: { type: 'string' },
      'staff-token': { type: 'string' },
      'supervisor-token': { type: 'string' },
      'kiosk-silent-after': { type: 'string' },
      demo: { type: 'boolean', default: false },
    },
  });
  const { config, dataDir } = storageConfig(values);
  const port = Number(values.port ?? process.env['CENTRAL_PORT'] ?? 8081);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`invalid port ${values.port}`);
  const demo = values.demo === true;
  // No credential exists unless it was configured; the published demo ones only with --demo.
  const kioskId = values['kiosk-id'] ?? process.env['CENTRAL_KIOSK_ID'] ?? (demo ? 'DEMO01' : undefined);
  const kioskToken = values['kiosk-token'] ?? process.env['CENTRAL_KIOSK_TOKEN'] ?? (demo ? 'demo-kiosk-token-DEMO01' : undefined);
  const stationId = values.station ?? process.env['CENTRAL_STATION'] ?? (demo ? 'DEMO-STATION' : undefined);
  const staffToken = values['staff-token'] ?? process.env['CENTRAL_STAFF_TOKEN'] ?? (demo ? 'demo-staff-token' : undefined);
  if ((kioskId === undefined) !== (kioskToken === undefined)) throw new UsageError('--kiosk-id and --kiosk-token go together');
  if (kioskToken !== undefined && kioskToken.length < 16) throw new UsageError('a kiosk token must be at least 16 characters');
  if (staffToken !== undefined && staffToken.length < 16) throw new UsageError('a staff token must be at least 16 characters');
  const supervisorToken = values['supervisor-token'] ?? process.env['CENTRAL_SUPERVISOR_TOKEN'];
  if (supervisorToken !== undefined && supervisorToken.length < 16) throw new UsageError('a supervisor token must be at least 16 characters');
  if (supervisorToken !== undefined && supervisorToken === staffToken) throw new UsageError('the supervisor token must differ from the staff token');
  const kioskCode = values['kiosk-code'] ?? process.env['CENTRAL_KIOSK_CODE'];
  if (kioskCode !== undefined && !/^[A-Z0-9]{2,8}$/.test(kioskCode)) throw new UsageError('a kiosk code is 2–8 of A–Z0–9 (what its ticket ids start with)');
  const silentRaw = values['kiosk-silent-after'] ?? process.env['CENTRAL_KIOSK_SILENT_AFTER'];
  const kioskSilentAfterSeconds = silentRaw === undefined ? undefined : Number(silentRaw);
  if (kioskSilentAfterSeconds !== undefined && (!Number.isInteger(kioskSilentAfterSeconds) || kioskSilentAfterSeconds < 30 || kioskSilentAfterSeconds > 86_400)) {
    throw new UsageError('--kiosk-silent-after is whole seconds from 30 to 86400 (a kiosk silent longer raises an alert in the fleet view)');
  }
  const kiosks =
    kioskId !== undefined && kioskToken !== undefined
      ? [{ id: kioskId, token: kioskToken, ...(stationId !== undefined ? { stationId } : {}), ...(kioskCode !== undefined ? { ticketCode: kioskCode } : {}) }]
      : [];
  const central = await startCentral({
    host: values.host ?? '127.0.0.1',
    port,
    storage: config,
    dataDir,
    kiosks,
    ...(staffToken !== undefined ? { staffToken } : {}),
    ...(supervisorToken !== undefined ? { staffCredentials: [{ name: 'supervisor', token: supervisorToken, role: 'supervisor' as const }] } : {}),
    ...(kioskSilentAfterSeconds !== undefined ? { kioskSilentAfterSeconds } : {}),
  });
  const seeded = demo ? await seedDemoFaq(central.storage, new Date()) : 0;
  const cities = demo ? await seedDemoStations(central.storage, new Date()) : 0;
  const technicianSeeded = demo ? await seedDemoTechnician(central.storage, new Date()) : false;
  const known = (await central.storage.listKiosks()).length;
  // Listen for the stop signals before announcing: whoever reads the announcement may stop us at once.
  const stopped = new Promise<void>((resolveStop) => {
    process.once('SIGINT', resolveStop);
    process.once('SIGTERM', resolveStop);
  });
  process.stdout.write(
    `central listening on ${central.url} (${config.engine}${config.engine === 'sqlite' ? ` ${config.file}` : ''})\n` +
      (demo
        ? `  DEMO credentials (published; never on a real network): kiosk ${kioskId} / ${kioskToken} at ${stationId ?? 'no station'}, staff token ${staffToken}\n`
        : known === 0 && staffToken === undefined && supervisorToken === undefined
          ? `  no kiosks and no staff token are configured: nothing is accepted (add kiosks with \`central kiosk add\`, give --staff-token; --demo for a development machine)\n`
          : `  ${known} kiosk(s) known; staff API ${staffToken === undefined && supervisorToken === undefined ? 'closed (no --staff-token)' : `open to the configured ${[staffToken !== undefined ? 'staff' : null, supervisorToken !== undefined ? 'supervisor' : null].filter(Boolean).join(' and ')} token`}\n`) +
      `  staff page ${central.url}/staff/${seeded > 0 ? `; seeded ${seeded} FAQ articles` : ''}${cities > 0 ? `; seeded station tables of ${cities} cities` : ''}${technicianSeeded ? `; enrolled demo technician ${DEMO_TECHNICIAN.technicianId} (card image \`technician\`, PIN 482913)` : ''}\n`,
  );
  await stopped;
  await central.close();
  return 0;
}

async function kiosk(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...STORAGE_OPTIONS, token: { type: 'string' }, station: { type: 'string' }, code: { type: 'string' } } });
  const [sub, id] = positionals;
  if ((sub !== 'add' && sub !== 'rotate-token' && sub !== 'revoke') || id === undefined) throw new UsageError(USAGE);
  if (!new RegExp(KIOSK_ID_PATTERN).test(id)) throw new UsageError(`invalid kiosk id ${id}`);
  if (sub === 'rotate-token' || sub === 'revoke') return changeKioskToken(values, sub, id);
  const token = values.token ?? randomBytes(24).toString('base64url');
  if (token.length < 16) throw new UsageError('a kiosk token must be at least 16 characters');
  if (values.code !== undefined && !/^[A-Z0-9]{2,8}$/.test(values.code)) throw new UsageError('a kiosk code is 2–8 of A–Z0–9 (what its ticket ids start with)');
  await withStorage(values, async (storage) => {
    const other = await storage.findKioskByTokenHash(hashToken(token));
    if (other && other.id !== id) throw new UsageError('this token is already used by another kiosk');
    await seedKiosks(storage, [{ id, token, ...(values.station ? { stationId: values.station } : {}), ...(values.code ? { ticketCode: values.code } : {}) }], new Date());
  });
  process.stdout.write(values.token ? `kiosk ${id} saved\n` : `kiosk ${id} saved; its token (shown once): ${token}\n`);
  return 0;
}

/**
 * A new token for a known kiosk (printed once unless given), or none at all: revoking stores the
 * hash of 32 random bytes nobody holds, so no token opens the kiosk until the next rotate-token.
 * Either way the old token stops working at once (central reads the hash on every request).
 */
async function changeKioskToken(values: Flags & { token?: string }, sub: 'rotate-token' | 'revoke', id: string): Promise<number> {
  const token = sub === 'revoke' ? null : (values.token ?? randomBytes(24).toString('base64url'));
  if (token !== null && token.length < 16) throw new UsageError('a kiosk token must be at least 16 characters');
  await withStorage(values, async (storage) => {
    const existing = await storage.getKiosk(id);
    if (!existing) throw new UsageError(`no kiosk ${id}; add it with \`central kiosk add ${id} --station ID\``);
    const tokenHash = token === null ? randomBytes(32).toString('hex') : hashToken(token);
    const other = await storage.findKioskByTokenHash(tokenHash);
    if (other && other.id !== id) throw new UsageError('this token is already used by another kiosk');
    await storage.upsertKiosk({ ...existing, tokenHash });
  });
  if (token === null) process.stdout.write(`kiosk ${id} revoked: no token opens it until \`central kiosk rotate-token ${id}\`\n`);
  else process.stdout.write(values.token ? `kiosk ${id}: token replaced\n` : `kiosk ${id}: new token (shown once): ${token}\n`);
  return 0;
}

async function faq(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: STORAGE_OPTIONS });
  const [sub, file] = positionals;
  if (sub !== 'import' || file === undefined) throw new UsageError(USAGE);
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const list: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
  const ajv = createAjv({ coerce: false });
  const checkInput = ajv.compile(FaqArticleInput);
  const checkId = ajv.compile(FaqParams);
  const articles = list.map((raw, i): Omit<FaqArticle, 'updatedAt'> => {
    const { id, ...rest } = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    if (!checkId({ faqId: id }) || !checkInput(rest)) {
      throw new UsageError(`article ${i + 1}: ${ajv.errorsText(checkId.errors ?? checkInput.errors)}`);
    }
    return { ...(rest as Omit<FaqArticle, 'id' | 'updatedAt'>), id: id as string };
  });
  await withStorage(values, async (storage) => {
    for (const a of articles) await storage.putFaq({ ...a, updatedAt: new Date().toISOString() });
  });
  process.stdout.write(`imported ${articles.length} FAQ articles\n`);
  return 0;
}

async function stations(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: STORAGE_OPTIONS });
  const [sub, file] = positionals;
  if (sub !== 'import' || file === undefined) throw new UsageError(USAGE);
  const parsed = parseStationCsv(readFileSync(file, 'utf8'), new Date().toISOString());
  if (!parsed.ok) {
    const lines = parsed.error.slice(0, 20).map((e) => `  line ${e.line}: ${e.message}`);
    throw new UsageError(`${file}: nothing imported, ${parsed.error.length} problem(s):\n${lines.join('\n')}`);
  }
  await withStorage(values, async (storage) => {
    for (const t of parsed.value) await storage.putStationTable(t);
  });
  const summary = parsed.value.map((t) => `${t.cityCode} (${t.rows.filter((r) => r.station !== null).length} stations)`).join(', ');
  process.stdout.write(`imported station tables: ${summary}; kiosks receive them at their next sync\n`);
  return 0;
}

async function blocklist(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...STORAGE_OPTIONS, reason: { type: 'string' } } });
  const [sub, cardNumber] = positionals;
  if (sub !== 'add' || cardNumber === undefined || values.reason === undefined) throw new UsageError(USAGE);
  const entry = { cardNumber, reason: values.reason };
  const check = createAjv({ coerce: false }).compile(BlocklistEntrySchema);
  if (!check(entry)) throw new UsageError(`invalid entry: card number of 4–32 hex digits and a one-line reason`);
  await withStorage(values, (storage) => storage.putBlocklist(entry, new Date().toISOString()));
  process.stdout.write(`card ${cardNumber} blocked\n`);
  return 0;
}

async function technician(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...STORAGE_OPTIONS, name: { type: 'string' }, 'public-key': { type: 'string' } },
  });
  const [sub, id] = positionals;
  const ajv = createAjv({ coerce: false });
  if (id !== undefined && !ajv.compile(TechnicianParams)({ technicianId: id })) throw new UsageError(`invalid technician id ${id} (1–32 letters, digits, -)`);
  if (sub === 'revoke' && id !== undefined) {
    const info = await withStorage(values, (storage) => storage.revokeTechnician(id, new Date().toISOString()));
    if (!info) throw new UsageError(`no technician ${id}`);
    process.stdout.write(`technician ${id} revoked; kiosks refuse the card from their next sync\n`);
    return 0;
  }
  if (sub !== 'add' || id === undefined || values.name === undefined || values['public-key'] === undefined) throw new UsageError(USAGE);
  let pem: string;
  try {
    pem = readFileSync(values['public-key'], 'utf8');
  } catch {
    throw new UsageError(`cannot read ${values['public-key']}`);
  }
  let enrolled: ReturnType<typeof technicianCredential>;
  try {
    enrolled = technicianCredential(id, { name: values.name, publicKeyPem: pem }, new Date().toISOString());
  } catch (e) {
    if (e instanceof TechnicianKeyError) throw new UsageError(`${values['public-key']}: ${e.message}`);
    throw e;
  }
  if (!ajv.compile(TechnicianInput)({ name: values.name, publicKeyPem: enrolled.credential.publicKeyPem })) {
    throw new UsageError('need --name (1–100 characters, no control characters) and --public-key FILE.pem holding a PEM public key');
  }
  await withStorage(values, (storage) => storage.putTechnician(enrolled.credential, enrolled.keyId));
  process.stdout.write(`technician ${id} enrolled with key ${enrolled.keyId.slice(0, 16)}…; kiosks receive it at their next sync\n`);
  return 0;
}

const COMMANDS: Readonly<Record<string, (args: string[]) => Promise<number>>> = { serve, kiosk, faq, stations, blocklist, technician };

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) {
    process.stderr.write(USAGE + '\n');
    return name === undefined || name === '--help' ? 0 : 2;
  }
  try {
    return await command(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`central: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`central: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
