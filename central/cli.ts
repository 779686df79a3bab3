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
 *   central account add NAME --role administrator|supervisor|agent|station-staff [--station ID] [--display-name TEXT]
 *   central account disable NAME | enable NAME | reset-password NAME | token NAME [--label TEXT] | list
 *   central report weekly [--week YYYY-MM-DD] [--line L] --out FILE.pdf
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { userInfo } from 'node:os';
import { DEMO_ACCOUNTS, DEMO_STATION_ID } from './accounts/seed.js';
import { AccountProblem, addAccount, checkUsername, disableAccount, enableAccount, issueToken, resetPassword, roleText } from './accounts/service.js';
import { hashToken } from './api/auth.js';
import { FaqArticleInput, FaqParams, BlocklistEntry as BlocklistEntrySchema, KIOSK_ID_PATTERN } from './api/schemas.js';
import { createAjv } from './api/validation.js';
import { seedDemoFaq } from './seed/demo-faq.js';
import { seedDemoStationName, seedDemoStations } from './seed/demo-stations.js';
import { DEMO_TECHNICIAN, seedDemoTechnician } from './seed/demo-technician.js';
import { parseStationCsv } from '../shared/stations.js';
import { REPORT_USAGE, reportCommand } from './reports/report-command.js';
import { seedKiosks, startCentral } from './server.js';
import { openCentralStorage } from './storage/open.js';
import type { CentralStorage, StorageConfig } from './storage/types.js';
import type { FaqArticle } from '../shared/sync.js';
import { TechnicianInput, TechnicianParams } from './api/schemas.js';
import { technicianCredential, TechnicianKeyError } from './technicians/routes.js';
import { describeProblemRules, PROBLEM_CATEGORIES_SETTING, PROBLEM_RULE_SETTINGS, problemRulesFromSettings } from './problems/rules.js';

const STORAGE_OPTIONS = {
  data: { type: 'string' },
  engine: { type: 'string' },
  'pg-url': { type: 'string' },
  'pg-schema': { type: 'string' },
} as const;

const USAGE = `usage:
  central serve [--port 8081] [--host 127.0.0.1] [--data DIR] [--engine sqlite|postgres] [--pg-url URL] [--pg-schema NAME]
                [--kiosk-id ID --kiosk-token T] [--station ID] [--kiosk-code CODE] [--staff-token T] [--supervisor-token T] [--demo]
                [--kiosk-silent-after SECONDS] [--alarm-escalate-after SECONDS (default 120: an emergency alarm nobody acknowledges escalates to supervisors)]
                [--problem-fault-repeats N (default 3) --problem-fault-window-hours H (default 24): the same device fault N times
                 within H hours at one kiosk opens a problem]
                [--problem-category-tickets N (default 5) --problem-category-window-minutes M (default 60): N tickets of one
                 category within M minutes at one station open a problem] [--problem-categories LIST (the categories that
                 rule watches, comma-separated; default every one but device-fault and suggestion)]
                (no credential exists unless given; --demo adds the published demo ones: kiosk DEMO01 /
                 demo-kiosk-token-DEMO01, demo accounts demo-admin, demo-supervisor, demo-agent, demo-staff
                 (password: the name + "-password"), demo FAQ; for a development machine only.
                 People log in at /login/ with personal accounts (central account add); --staff-token and
                 --supervisor-token are deprecated aliases: the API token of an account named staff
                 (administrator) or supervisor (supervisor))
  central kiosk add <id> --station ID [--code CODE] [--token T]   (CODE: what its ticket ids start with; default the id when it is 2–8 of A–Z0–9)
  central kiosk rotate-token <id> [--token T]   (a new token for a known kiosk, printed once; the old one stops working)
  central kiosk revoke <id>                      (no token opens this kiosk any more, until rotate-token)
  central faq import <file.json>
  central stations import <file.csv>     (station tables per city; docs/central.md says the columns)
  central blocklist add <cardNumber> --reason TEXT
  central technician add <id> --name NAME --public-key FILE.pem   (the card's ECDSA P-256 public key; the card keeps its private key and checks its PIN)
  central technician revoke <id>   (kiosks refuse the technician's card from their next sync)
  central account add NAME --role administrator|supervisor|agent|station-staff [--station ID] [--display-name TEXT]
                         (the password is read from stdin, or asked for on a terminal; never on the command line)
  central account disable NAME          (their sessions and API tokens stop at once, on every instance)
  central account enable NAME
  central account reset-password NAME   (new password from stdin or the terminal; their sessions end, a lock is lifted)
  central account token NAME [--label TEXT]   (a personal API token for a central system or script, shown once; audited as NAME)
  central account list
${REPORT_USAGE}
(every command takes the storage flags; env: CENTRAL_DATA, CENTRAL_ENGINE, CENTRAL_PG_URL,
 CENTRAL_KIOSK_ID, CENTRAL_KIOSK_TOKEN, CENTRAL_STATION, CENTRAL_KIOSK_CODE, CENTRAL_STAFF_TOKEN, CENTRAL_SUPERVISOR_TOKEN, CENTRAL_PORT,
 CENTRAL_KIOSK_SILENT_AFTER, CENTRAL_ALARM_ESCALATE_AFTER, CENTRAL_PROBLEM_FAULT_REPEATS, CENTRAL_PROBLEM_FAULT_WINDOW_HOURS,
 CENTRAL_PROBLEM_CATEGORY_TICKETS, CENTRAL_PROBLEM_CATEGORY_WINDOW_MINUTES, CENTRAL_PROBLEM_CATEGORIES)`;

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
      'alarm-escalate-after': { type: 'string' },
      ...Object.fromEntries([...PROBLEM_RULE_SETTINGS, PROBLEM_CATEGORIES_SETTING].map((s) => [s.flag, { type: 'string' as const }])),
      demo: { type: 'boolean', default: false },
    },
  });
  // Checked before anything is made on disk: a wrong value changes nothing.
  const problemRules = problemRulesFromSettings((flag, env) => (values as Record<string, string | boolean | undefined>)[flag]?.toString() ?? process.env[env]);
  if (!problemRules.ok) throw new UsageError(`problem rules not accepted, central did not start:\n  ${problemRules.problems.join('\n  ')}`);
  const { config, dataDir } = storageConfig(values);
  const port = Number(values.port ?? process.env['CENTRAL_PORT'] ?? 8081);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`invalid port ${values.port}`);
  const demo = values.demo === true;
  // No credential exists unless it was configured; the published demo ones only with --demo.
  const kioskId = values['kiosk-id'] ?? process.env['CENTRAL_KIOSK_ID'] ?? (demo ? 'DEMO01' : undefined);
  const kioskToken = values['kiosk-token'] ?? process.env['CENTRAL_KIOSK_TOKEN'] ?? (demo ? 'demo-kiosk-token-DEMO01' : undefined);
  const stationId = values.station ?? process.env['CENTRAL_STATION'] ?? (demo ? DEMO_STATION_ID : undefined);
  const staffToken = values['staff-token'] ?? process.env['CENTRAL_STAFF_TOKEN'];
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
  const escalateRaw = values['alarm-escalate-after'] ?? process.env['CENTRAL_ALARM_ESCALATE_AFTER'];
  const alarmEscalateAfterSeconds = escalateRaw === undefined ? undefined : Number(escalateRaw);
  if (alarmEscalateAfterSeconds !== undefined && (!Number.isInteger(alarmEscalateAfterSeconds) || alarmEscalateAfterSeconds < 10 || alarmEscalateAfterSeconds > 3600)) {
    throw new UsageError('--alarm-escalate-after is whole seconds from 10 to 3600 (an emergency alarm nobody acknowledges for that long escalates to supervisors)');
  }
  const kiosks =
    kioskId !== undefined && kioskToken !== undefined
      ? [{ id: kioskId, token: kioskToken, ...(stationId !== undefined ? { stationId } : {}), ...(kioskCode !== undefined ? { ticketCode: kioskCode } : {}) }]
      : [];
  // The demo station staff work at the station of the kiosk this central serves.
  const demoAccounts = DEMO_ACCOUNTS.map((a) => (a.role === 'station-staff' && stationId !== undefined ? { ...a, stationId } : a));
  const central = await startCentral({
    host: values.host ?? '127.0.0.1',
    port,
    storage: config,
    dataDir,
    kiosks,
    ...(staffToken !== undefined ? { staffToken } : {}),
    ...(supervisorToken !== undefined ? { staffCredentials: [{ name: 'supervisor', token: supervisorToken, role: 'supervisor' as const }] } : {}),
    ...(kioskSilentAfterSeconds !== undefined ? { kioskSilentAfterSeconds } : {}),
    ...(alarmEscalateAfterSeconds !== undefined ? { alarmEscalateAfterSeconds } : {}),
    problemRules: problemRules.rules,
    ...(demo ? { accounts: demoAccounts, demoLogins: DEMO_ACCOUNTS, auth: { demo: true } } : {}),
  });
  const people = (await central.storage.accounts.list()).filter((a) => a.disabledAt === null).length;
  const seeded = demo ? await seedDemoFaq(central.storage, new Date()) : 0;
  const cities = demo ? await seedDemoStations(central.storage, new Date()) : 0;
  if (demo) await seedDemoStationName(central.storage, new Date());
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
        ? `  DEMO credentials (published; never on a real network): kiosk ${kioskId} / ${kioskToken} at ${stationId ?? 'no station'}\n` +
          `  DEMO logins at ${central.url}/login/ — ${DEMO_ACCOUNTS.map((a) => `${a.role}: ${a.username} / ${a.password}`).join(', ')} (station staff at ${stationId ?? 'no station'})\n`
        : known === 0 && people === 0
          ? `  no kiosks and no accounts exist: nothing is accepted (add kiosks with \`central kiosk add\`, a first administrator with \`central account add NAME --role administrator\`; --demo for a development machine)\n`
          : `  ${known} kiosk(s) known; ${people} account(s) may log in at ${central.url}/login/${staffToken !== undefined || supervisorToken !== undefined ? ' (--staff-token/--supervisor-token are deprecated aliases of the accounts staff/supervisor)' : ''}\n`) +
      `  problems: ${describeProblemRules(problemRules.rules)}\n` +
      `  staff page ${central.url}/staff/, agent console ${central.url}/console/, administration ${central.url}/admin/${seeded > 0 ? `; seeded ${seeded} FAQ articles` : ''}${cities > 0 ? `; seeded station tables of ${cities} cities` : ''}${technicianSeeded ? `; enrolled demo technician ${DEMO_TECHNICIAN.technicianId} (card image \`technician\`, PIN 482913)` : ''}\n`,
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

/** A password from stdin (its first line) when it is not a terminal, else asked for twice without echo. */
async function readPassword(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  }
  const ask = (q: string): Promise<string> =>
    new Promise((resolveAnswer) => {
      process.stderr.write(q);
      const stdin = process.stdin;
      stdin.setRawMode(true);
      stdin.resume();
      let typed = '';
      const onData = (d: Buffer): void => {
        for (const ch of d.toString('utf8')) {
          if (ch === '\r' || ch === '\n') {
            stdin.setRawMode(false);
            stdin.pause();
            stdin.off('data', onData);
            process.stderr.write('\n');
            resolveAnswer(typed);
            return;
          }
          if (ch === '\u0003') process.exit(130);
          if (ch === '\u007f') typed = typed.slice(0, -1);
          else typed += ch;
        }
      };
      stdin.on('data', onData);
    });
  const first = await ask(prompt);
  if ((await ask('again: ')) !== first) throw new UsageError('the two passwords differ; nothing changed');
  return first;
}

async function account(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...STORAGE_OPTIONS, role: { type: 'string' }, station: { type: 'string' }, 'display-name': { type: 'string' }, label: { type: 'string' }, password: { type: 'string' } },
  });
  if (values.password !== undefined) throw new UsageError('a password is never given on the command line (others can read it there): pipe it to stdin or type it when asked');
  const [sub, name] = positionals;
  const now = new Date();
  const run = async (fn: (storage: CentralStorage) => Promise<string>): Promise<number> => {
    try {
      process.stdout.write((await withStorage(values, fn)) + '\n');
      return 0;
    } catch (e) {
      if (e instanceof AccountProblem) throw new UsageError(e.message);
      throw e;
    }
  };
  const cliAudit = (storage: CentralStorage, action: string, target: string, detail: string | null = null) =>
    storage.accounts.audit({ at: now.toISOString(), accountId: null, actor: `cli:${userInfo().username}`, role: 'command line', action, target, detail });
  if (sub === 'list') {
    return run(async (storage) =>
      (await storage.accounts.list())
        .map((a) => `${a.username}\t${roleText(a.role)}${a.stationId ? ` @ ${a.stationId}` : ''}\t${a.disabledAt ? `disabled ${a.disabledAt}` : 'active'}\t${a.displayName}`)
        .join('\n') || 'no accounts',
    );
  }
  if (name === undefined) throw new UsageError(USAGE);
  switch (sub) {
    case 'add': {
      if (values.role === undefined) throw new UsageError('central account add NAME --role administrator|supervisor|agent|station-staff [--station ID]');
      checkUsernameOrUsage(name);
      const password = await readPassword(`password for ${name}: `);
      return run(async (storage) => {
        const a = await addAccount(storage, { username: name, role: values.role!, stationId: values.station ?? null, password, ...(values['display-name'] ? { displayName: values['display-name'] } : {}) }, now);
        await cliAudit(storage, 'account-add', a.username, `role ${a.role}`);
        return `account ${a.username} added (${roleText(a.role)}${a.stationId ? ` at ${a.stationId}` : ''}); log in at /login/`;
      });
    }
    case 'disable':
      return run(async (storage) => {
        await disableAccount(storage, name, now);
        await cliAudit(storage, 'account-disable', name);
        return `account ${name} disabled: its sessions and API tokens stopped working`;
      });
    case 'enable':
      return run(async (storage) => {
        await enableAccount(storage, name, now);
        await cliAudit(storage, 'account-enable', name);
        return `account ${name} enabled`;
      });
    case 'reset-password': {
      checkUsernameOrUsage(name);
      const password = await readPassword(`new password for ${name}: `);
      return run(async (storage) => {
        await resetPassword(storage, name, password, now);
        await cliAudit(storage, 'account-reset-password', name);
        return `account ${name}: new password set; its sessions ended`;
      });
    }
    case 'token':
      return run(async (storage) => {
        const token = await issueToken(storage, name, values.label ?? 'issued on the command line', now);
        await cliAudit(storage, 'account-token', name, values.label ?? null);
        return `API token for ${name} (shown once; send it as Authorization: Bearer …): ${token}`;
      });
    default:
      throw new UsageError(USAGE);
  }
}

function checkUsernameOrUsage(name: string): void {
  try {
    checkUsername(name);
  } catch (e) {
    if (e instanceof AccountProblem) throw new UsageError(e.message);
    throw e;
  }
}

const COMMANDS: Readonly<Record<string, (args: string[]) => Promise<number>>> = { serve, kiosk, faq, stations, blocklist, technician, account, report: (args) => reportCommand(args, STORAGE_OPTIONS, withStorage) };

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
