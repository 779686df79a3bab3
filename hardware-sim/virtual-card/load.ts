import { createPrivateKey } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isHex } from '../../shared/bytes.js';
import { TECHNICIAN_PIN_PATTERN } from '../../shared/technician-card.js';
import { CARD_IMAGE_NAME, type CardImage } from './image.js';

/** Where the committed card images live. */
export const CARD_IMAGES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../card-images');

export type CardImageErrorCode = 'unknown-image' | 'invalid-json' | 'invalid-image';

/** A card image that cannot be used; `problems` lists every field at fault (`applications[0].aid: …`). */
export class CardImageError extends Error {
  override readonly name = 'CardImageError';
  constructor(
    readonly code: CardImageErrorCode,
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(message);
  }
}

/** Name and description of one committed image. */
export interface CardImageEntry {
  readonly name: string;
  readonly description: string;
  readonly family: string | null;
}

/**
 * Loads an image by name (`t-union-guangzhou-ok`, from {@link CARD_IMAGES_DIR}) or by path
 * (anything with a `/` or ending in `.json`), and validates it.
 */
export async function loadCardImage(nameOrPath: string): Promise<CardImage> {
  const isPath = nameOrPath.includes('/') || nameOrPath.endsWith('.json');
  if (!isPath && !CARD_IMAGE_NAME.test(nameOrPath)) {
    throw new CardImageError('unknown-image', `no card image named ${JSON.stringify(nameOrPath)}`);
  }
  const file = isPath ? nameOrPath : path.join(CARD_IMAGES_DIR, `${nameOrPath}.json`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new CardImageError('unknown-image', `no card image ${JSON.stringify(nameOrPath)} (looked for ${file})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CardImageError('invalid-json', `${file}: not JSON (${(e as Error).message})`);
  }
  return parseCardImage(json, file);
}

/** The committed images, sorted by name (`blocklist.json` is not an image). */
export async function listCardImages(dir: string = CARD_IMAGES_DIR): Promise<readonly CardImageEntry[]> {
  const names = (await readdir(dir)).filter((f) => f.endsWith('.json') && f !== 'blocklist.json').sort();
  const out: CardImageEntry[] = [];
  for (const f of names) {
    const image = await loadCardImage(path.join(dir, f));
    out.push({ name: image.name, description: image.description, family: image.expected.family });
  }
  return out;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates parsed JSON as a {@link CardImage}; throws {@link CardImageError} listing every problem. */
export function parseCardImage(json: unknown, source = 'card image'): CardImage {
  const problems: string[] = [];
  const bad = (where: string, what: string): void => void problems.push(`${where}: ${what}`);
  const hex = (o: Obj, key: string, where: string, opts: { required?: boolean; bytes?: readonly number[] } = {}): void => {
    const v = o[key];
    if (v === undefined) {
      if (opts.required) bad(`${where}${key}`, 'missing');
      return;
    }
    if (typeof v !== 'string' || !isHex(v)) return bad(`${where}${key}`, 'must be hex bytes');
    const n = v.replace(/\s+/g, '').length / 2;
    if (opts.bytes && !opts.bytes.includes(n)) bad(`${where}${key}`, `must be ${opts.bytes.join(' or ')} bytes, got ${n}`);
  };
  const known = (o: Obj, keys: readonly string[], where: string): void => {
    for (const k of Object.keys(o)) if (!keys.includes(k)) bad(`${where}${k}`, 'unknown field');
  };
  const uint32 = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff;

  if (!isObj(json)) throw new CardImageError('invalid-image', `${source}: must be a JSON object`, ['(root): must be an object']);
  known(json, ['name', 'description', 'uid', 'atr', 'historicalBytes', 'mfFiles', 'applications', 't0', 'unknownInstruction', 'unknownClass', 'expected'], '');
  if (typeof json.name !== 'string' || !CARD_IMAGE_NAME.test(json.name)) bad('name', 'must be lower-case letters, digits and dashes');
  if (typeof json.description !== 'string' || json.description.length === 0) bad('description', 'must be a non-empty string');
  hex(json, 'uid', '', { required: true, bytes: [4, 7, 10] });
  hex(json, 'atr', '');
  hex(json, 'historicalBytes', '');
  if (typeof json.historicalBytes === 'string' && json.historicalBytes.replace(/\s+/g, '').length / 2 > 15) bad('historicalBytes', 'at most 15 bytes');
  hex(json, 'unknownInstruction', '', { bytes: [2] });
  hex(json, 'unknownClass', '', { bytes: [2] });
  if (json.t0 !== undefined) {
    if (!isObj(json.t0)) bad('t0', 'must be an object');
    else {
      known(json.t0, ['getResponse', 'exactLe'], 't0.');
      for (const k of ['getResponse', 'exactLe']) if (json.t0[k] !== undefined && typeof json.t0[k] !== 'boolean') bad(`t0.${k}`, 'must be true or false');
    }
  }
  if (!isObj(json.expected)) bad('expected', 'must be an object with at least `family`');
  else if (json.expected.family !== null && typeof json.expected.family !== 'string') bad('expected.family', 'must be a string or null');

  function checkFiles(files: unknown, at: string): void {
    if (!Array.isArray(files)) return bad(at, 'must be a list');
    files.forEach((f: unknown, j) => {
      const fw = `${at}[${j}].`;
      if (!isObj(f)) return bad(`${at}[${j}]`, 'must be an object');
      known(f, ['sfi', 'fid', 'binary', 'records'], fw);
      if (f.sfi === undefined && f.fid === undefined) bad(`${at}[${j}]`, 'needs `sfi` or `fid`');
      if (f.sfi !== undefined && (!Number.isInteger(f.sfi) || (f.sfi as number) < 1 || (f.sfi as number) > 30)) bad(`${fw}sfi`, 'must be an integer 1..30');
      hex(f, 'fid', fw, { bytes: [2] });
      if ((f.binary === undefined) === (f.records === undefined)) bad(`${at}[${j}]`, 'needs exactly one of `binary` or `records`');
      hex(f, 'binary', fw);
      if (f.records !== undefined) {
        if (!Array.isArray(f.records)) bad(`${fw}records`, 'must be a list of hex strings');
        else f.records.forEach((r: unknown, k) => (typeof r === 'string' && isHex(r) ? undefined : bad(`${fw}records[${k}]`, 'must be hex bytes')));
      }
    });
  }
  if (json.mfFiles !== undefined) checkFiles(json.mfFiles, 'mfFiles');

  if (!Array.isArray(json.applications)) bad('applications', 'must be a list');
  else
    json.applications.forEach((app: unknown, i) => {
      const w = `applications[${i}].`;
      if (!isObj(app)) return bad(`applications[${i}]`, 'must be an object');
      known(app, ['aid', 'fid', 'fci', 'selectAnswer', 'files', 'balance', 'technician'], w);
      hex(app, 'aid', w, { required: true });
      if (typeof app.aid === 'string' && app.aid.replace(/\s+/g, '').length < 2) bad(`${w}aid`, 'must not be empty');
      hex(app, 'fid', w, { bytes: [2] });
      hex(app, 'fci', w, { required: true });
      hex(app, 'selectAnswer', w);
      if (app.balance !== undefined) {
        if (!isObj(app.balance)) bad(`${w}balance`, 'must be an object');
        else {
          known(app.balance, ['slot0', 'slot1'], `${w}balance.`);
          if (!uint32(app.balance.slot0)) bad(`${w}balance.slot0`, 'must be an integer 0..0xFFFFFFFF');
          if (app.balance.slot1 !== undefined && !uint32(app.balance.slot1)) bad(`${w}balance.slot1`, 'must be an integer 0..0xFFFFFFFF');
        }
      }
      if (app.technician !== undefined) {
        if (!isObj(app.technician)) bad(`${w}technician`, 'must be an object');
        else {
          known(app.technician, ['technicianId', 'privateKeyPem', 'pin', 'pinTries'], `${w}technician.`);
          if (typeof app.technician.technicianId !== 'string' || !/^[\x20-\x7e]{1,32}$/.test(app.technician.technicianId))
            bad(`${w}technician.technicianId`, 'must be 1..32 printable ASCII characters');
          if (!isP256PrivateKey(app.technician.privateKeyPem)) bad(`${w}technician.privateKeyPem`, 'must be an ECDSA P-256 private key (PKCS#8 PEM)');
          if (typeof app.technician.pin !== 'string' || !TECHNICIAN_PIN_PATTERN.test(app.technician.pin)) bad(`${w}technician.pin`, 'must be 4..8 digits');
          const tries = app.technician.pinTries;
          if (tries !== undefined && (typeof tries !== 'number' || !Number.isInteger(tries) || tries < 1 || tries > 15)) bad(`${w}technician.pinTries`, 'must be an integer 1..15');
        }
      }
      if (app.files !== undefined) checkFiles(app.files, `${w}files`);
    });

  if (problems.length > 0) {
    throw new CardImageError('invalid-image', `${source}: invalid card image: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (+${problems.length - 5} more)` : ''}`, problems);
  }
  return json as unknown as CardImage;
}

function isP256PrivateKey(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  try {
    const key = createPrivateKey(v);
    return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  } catch {
    return false;
  }
}
