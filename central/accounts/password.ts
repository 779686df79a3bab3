/**
 * Password hashing for personal accounts: Argon2id (node:crypto's `argon2`, Node ≥ 24.7), a
 * memory-hard function, with its parameters stored beside the hash in the PHC string form
 * `$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>` (unpadded base64), so stronger
 * parameters later still verify the hashes written before them.
 */
import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';

export interface Argon2Parameters {
  /** Memory in KiB. */
  readonly memory: number;
  readonly passes: number;
  readonly parallelism: number;
}

/** OWASP's first Argon2id choice (19 MiB, 2 passes, 1 lane): about 50 ms here, 19 MiB per login at a time. */
export const PASSWORD_PARAMETERS: Argon2Parameters = { memory: 19_456, passes: 2, parallelism: 1 };

const TAG_BYTES = 32;
const SALT_BYTES = 16;
/** What a password may be: 10 to 200 characters (NIST 800-63B: length, not composition rules). */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;

export function passwordProblem(password: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return `a password has at least ${PASSWORD_MIN} characters`;
  if (length > PASSWORD_MAX) return `a password has at most ${PASSWORD_MAX} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(password)) return 'a password has no control characters';
  return null;
}

function derive(password: string, salt: Buffer, p: Argon2Parameters): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    argon2('argon2id', { message: Buffer.from(password.normalize('NFC'), 'utf8'), nonce: salt, parallelism: p.parallelism, tagLength: TAG_BYTES, memory: p.memory, passes: p.passes }, (error, tag) => {
      if (error) reject(error);
      else resolve(tag);
    });
  });
}

const b64 = (b: Buffer): string => b.toString('base64').replace(/=+$/, '');

export async function hashPassword(password: string, p: Argon2Parameters = PASSWORD_PARAMETERS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const tag = await derive(password, salt, p);
  return `$argon2id$v=19$m=${p.memory},t=${p.passes},p=${p.parallelism}$${b64(salt)}$${b64(tag)}`;
}

const PHC = /^\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,3}),p=(\d{1,2})\$([A-Za-z0-9+/]{16,})\$([A-Za-z0-9+/]{32,})$/;

/** The parameters a stored hash was made with; null when it is not one of ours. */
export function parametersOf(stored: string): Argon2Parameters | null {
  const m = PHC.exec(stored);
  return m ? { memory: Number(m[1]), passes: Number(m[2]), parallelism: Number(m[3]) } : null;
}

/** True when `password` is the one `stored` was made from (compared in constant time). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = PHC.exec(stored);
  if (!m) return false;
  const p = { memory: Number(m[1]), passes: Number(m[2]), parallelism: Number(m[3]) };
  const expected = Buffer.from(m[5]!, 'base64');
  const tag = await derive(password, Buffer.from(m[4]!, 'base64'), p);
  return tag.length === expected.length && timingSafeEqual(tag, expected);
}

/** A hash nobody's password matches, verified for unknown names so that they take as long as known ones. */
let decoy: Promise<string> | null = null;
export function decoyHash(): Promise<string> {
  return (decoy ??= hashPassword(randomBytes(24).toString('base64url')));
}
