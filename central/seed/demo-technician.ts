import type { CentralStorage } from '../storage/types.js';
import { technicianCredential } from '../technicians/routes.js';

/** The demo technician (development only, with `--demo`): the simulated `technician` card image holds the private key. */
export const DEMO_TECHNICIAN = {
  technicianId: 'GZ-T-0042',
  name: '李工程师',
  publicKeyPem: `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEBl6eSgWcVNg4qmbAGsCCVk63gS4i
BmJc4yKM1FFpdDm1S+qDa9rudRl6dnzqCmAyI3PH5m6zTcMsOJQFWZCwPw==
-----END PUBLIC KEY-----
`,
} as const;

/** Enrols the demo technician's public key when central knows no technician; returns whether it did. */
export async function seedDemoTechnician(storage: CentralStorage, now: Date): Promise<boolean> {
  if ((await storage.listTechnicians()).length > 0) return false;
  const { credential, keyId } = technicianCredential(DEMO_TECHNICIAN.technicianId, DEMO_TECHNICIAN, now.toISOString());
  await storage.putTechnician(credential, keyId);
  return true;
}
