import type { Result } from '../../../shared/result.js';

/** The project's own technician application. */
export const TECHNICIAN_AID = Buffer.from('F0534B5445434801', 'hex');
/** SELECT by name. */
export const SELECT_TECHNICIAN = Buffer.concat([Buffer.from([0x00, 0xa4, 0x04, 0x00, TECHNICIAN_AID.length]), TECHNICIAN_AID, Buffer.from([0x00])]);
/** GET DATA (proprietary class 0x80, P1P2 0101): the technician id, ASCII. */
export const GET_TECHNICIAN_ID = Buffer.from([0x80, 0xca, 0x01, 0x01, 0x00]);
export const CHALLENGE_LENGTH = 16;
export const MAX_TECHNICIAN_ID_LENGTH = 32;

/** Sends one command APDU to the card in the field and returns the response with SW1SW2. */
export type ApduTransmit = (apdu: Buffer) => Promise<Buffer>;

export type TechnicianCardFailure =
  | { readonly code: 'not-technician-card'; readonly message: string }
  | { readonly code: 'card-error'; readonly message: string };

export interface TechnicianCardAnswer {
  readonly technicianId: string;
  /** The card's answer to INTERNAL AUTHENTICATE: the first 16 bytes of HMAC-SHA256(key, challenge ‖ id). */
  readonly response: Buffer;
}

/** INTERNAL AUTHENTICATE `00 88 00 00 10 <challenge> 00`. */
export function internalAuthenticate(challenge: Buffer): Buffer {
  if (challenge.length !== CHALLENGE_LENGTH) throw new RangeError(`challenge must be ${CHALLENGE_LENGTH} bytes`);
  return Buffer.concat([Buffer.from([0x00, 0x88, 0x00, 0x00, CHALLENGE_LENGTH]), challenge, Buffer.from([0x00])]);
}

async function exchange(transmit: ApduTransmit, apdu: Buffer, what: string): Promise<Result<{ data: Buffer; sw: number }, TechnicianCardFailure>> {
  let response: Buffer;
  try {
    response = await transmit(apdu);
    for (let i = 0; i < 4 && response.length === 2; i++) {
      const [sw1, sw2] = [response[0]!, response[1]!];
      if (sw1 === 0x61) response = await transmit(Buffer.from([0x00, 0xc0, 0x00, 0x00, sw2]));
      else if (sw1 === 0x6c) response = await transmit(Buffer.concat([apdu.subarray(0, apdu.length - 1), Buffer.from([sw2])]));
      else break;
    }
  } catch (e) {
    return { ok: false, error: { code: 'card-error', message: `${what}: ${e instanceof Error ? e.message : String(e)}` } };
  }
  if (response.length < 2) return { ok: false, error: { code: 'card-error', message: `${what}: ${response.length}-byte answer` } };
  const sw = response.readUInt16BE(response.length - 2);
  return { ok: true, value: { data: response.subarray(0, response.length - 2), sw } };
}

/** SELECT the technician application, read the id, and have the card answer the challenge. */
export async function readTechnicianCard(transmit: ApduTransmit, challenge: Buffer): Promise<Result<TechnicianCardAnswer, TechnicianCardFailure>> {
  const selected = await exchange(transmit, SELECT_TECHNICIAN, 'SELECT technician application');
  if (!selected.ok) return selected;
  if (selected.value.sw !== 0x9000) {
    return { ok: false, error: { code: 'not-technician-card', message: `SELECT answered ${selected.value.sw.toString(16)}` } };
  }
  const id = await exchange(transmit, GET_TECHNICIAN_ID, 'GET DATA technician id');
  if (!id.ok) return id;
  const technicianId = id.value.data.toString('latin1');
  if (id.value.sw !== 0x9000 || !/^[A-Za-z0-9-]{1,32}$/.test(technicianId)) {
    return { ok: false, error: { code: 'card-error', message: `GET DATA answered ${id.value.sw.toString(16)} with ${id.value.data.length} bytes` } };
  }
  const auth = await exchange(transmit, internalAuthenticate(challenge), 'INTERNAL AUTHENTICATE');
  if (!auth.ok) return auth;
  if (auth.value.sw !== 0x9000 || auth.value.data.length !== 16) {
    return { ok: false, error: { code: 'card-error', message: `INTERNAL AUTHENTICATE answered ${auth.value.sw.toString(16)} with ${auth.value.data.length} bytes` } };
  }
  return { ok: true, value: { technicianId, response: Buffer.from(auth.value.data) } };
}
