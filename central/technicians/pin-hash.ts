import { randomBytes, scrypt, type ScryptOptions } from 'node:crypto';

/**
 * scrypt PIN hashes in the format kiosks verify (kiosk/maintenance/auth/pin-hash.ts):
 * `scrypt$N$r$p$<salt base64>$<hash base64>`, 32-byte key, PIN normalised to NFKC.
 */
export const PIN_SCRYPT = { N: 16384, r: 8, p: 1 } as const;
export const PIN_PATTERN = /^\d{4,12}$/;

export function hashTechnicianPin(pin: string, params: { N: number; r: number; p: number } = PIN_SCRYPT, salt: Buffer = randomBytes(16)): Promise<string> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) =>
    scrypt(pin.normalize('NFKC'), salt, 32, options, (e, key) =>
      e ? reject(e) : resolve(`scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${key.toString('base64')}`),
    ),
  );
}
