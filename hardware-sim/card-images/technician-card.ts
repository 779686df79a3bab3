import { generateKeyPairSync } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TECHNICIAN_ID_PATTERN, TECHNICIAN_PIN_PATTERN } from '../../shared/technician-card.js';
import type { CardImage } from '../virtual-card/image.js';
import { CARD_IMAGE_NAME } from '../virtual-card/image.js';
import { CARD_IMAGES_DIR } from '../virtual-card/load.js';
import { renderJson } from './build.js';
import { technicianCard } from './other-families.js';

export interface NewTechnicianCard {
  readonly image: CardImage;
  /** The card's public key, SubjectPublicKeyInfo PEM: what central enrols. */
  readonly publicKeyPem: string;
}

/** A technician card image with a fresh ECDSA P-256 key pair; the private key is only in the image. */
export function newTechnicianCard(options: { technicianId: string; pin: string; name?: string; pinTries?: number }): NewTechnicianCard {
  if (!TECHNICIAN_ID_PATTERN.test(options.technicianId)) throw new RangeError('a technician id is 1–32 letters, digits or dashes');
  if (!TECHNICIAN_PIN_PATTERN.test(options.pin)) throw new RangeError('a card PIN is 4 to 8 digits');
  if (options.pinTries !== undefined && (!Number.isInteger(options.pinTries) || options.pinTries < 1 || options.pinTries > 15)) throw new RangeError('PIN tries are 1 to 15');
  const name = options.name ?? `technician-${options.technicianId.toLowerCase()}`;
  if (!CARD_IMAGE_NAME.test(name)) throw new RangeError('an image name is lower case letters, digits and dashes');
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const uid = `04${Buffer.from(publicKey.export({ type: 'spki', format: 'der' })).subarray(-3).toString('hex').toUpperCase()}`;
  const image = technicianCard({
    name,
    technicianId: options.technicianId,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    pin: options.pin,
    uid,
    ...(options.pinTries !== undefined ? { pinTries: options.pinTries } : {}),
  });
  return { image, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/**
 * Writes a new technician card: the image (owner-only: it holds the private key) into `dir`
 * (default the card images folder, so `sim tap <name>` finds it) and the public key PEM to
 * `publicKeyFile`.
 */
export async function writeTechnicianCard(
  options: { technicianId: string; pin: string; name?: string; pinTries?: number; publicKeyFile: string; dir?: string },
): Promise<{ imageFile: string; publicKeyFile: string; image: CardImage }> {
  const card = newTechnicianCard(options);
  const dir = options.dir ?? CARD_IMAGES_DIR;
  await mkdir(dir, { recursive: true });
  const imageFile = path.join(dir, `${card.image.name}.json`);
  await writeFile(imageFile, renderJson(card.image), { mode: 0o600 });
  await chmod(imageFile, 0o600);
  await mkdir(path.dirname(path.resolve(options.publicKeyFile)), { recursive: true });
  await writeFile(options.publicKeyFile, card.publicKeyPem);
  return { imageFile, publicKeyFile: options.publicKeyFile, image: card.image };
}
