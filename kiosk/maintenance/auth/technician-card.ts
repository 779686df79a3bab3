import type { Result } from '../../../shared/result.js';
import {
  TECHNICIAN_AID_HEX,
  TECHNICIAN_CHALLENGE_LENGTH,
  TECHNICIAN_DATA_ID,
  TECHNICIAN_DATA_KEY_ID,
  TECHNICIAN_ID_PATTERN,
  TECHNICIAN_PIN_REFERENCE,
  TECHNICIAN_SW,
  technicianPinBlock,
} from '../../../shared/technician-card.js';

/** The project's own technician application (see shared/technician-card.ts for every APDU). */
export const TECHNICIAN_AID = Buffer.from(TECHNICIAN_AID_HEX, 'hex');
/** SELECT by name. */
export const SELECT_TECHNICIAN = Buffer.concat([Buffer.from([0x00, 0xa4, 0x04, 0x00, TECHNICIAN_AID.length]), TECHNICIAN_AID, Buffer.from([0x00])]);
const getData = (tag: number): Buffer => Buffer.from([0x80, 0xca, tag >> 8, tag & 0xff, 0x00]);
/** GET DATA of the technician id, ASCII. */
export const GET_TECHNICIAN_ID = getData(TECHNICIAN_DATA_ID);
/** GET DATA of the key id (SHA-256 of the card's public key). */
export const GET_TECHNICIAN_KEY_ID = getData(TECHNICIAN_DATA_KEY_ID);
/** VERIFY without data: the card's PIN state (tries left, blocked, verified). */
export const VERIFY_PIN_STATE = Buffer.from([0x00, 0x20, 0x00, TECHNICIAN_PIN_REFERENCE]);
export const CHALLENGE_LENGTH = TECHNICIAN_CHALLENGE_LENGTH;

/** Sends one command APDU to the card in the field and returns the response with SW1SW2. */
export type ApduTransmit = (apdu: Buffer) => Promise<Buffer>;

export type TechnicianCardFailure =
  | { readonly code: 'not-technician-card'; readonly message: string }
  | { readonly code: 'card-error'; readonly message: string };

/** What the card says about its PIN: tries left before it blocks, or blocked. */
export type CardPinState = { readonly blocked: false; readonly triesLeft: number } | { readonly blocked: true };

export interface TechnicianCardIdentity {
  readonly technicianId: string;
  /** SHA-256 of the card's public key (SubjectPublicKeyInfo DER), hex lower case. */
  readonly keyId: string;
  readonly pin: CardPinState;
}

/** The card's answer to a PIN. */
export type CardPinAnswer = { readonly kind: 'verified' } | { readonly kind: 'wrong'; readonly triesLeft: number } | { readonly kind: 'blocked' };

/** VERIFY `00 20 00 80 08 <PIN block>`. */
export function verifyPinApdu(pin: string): Buffer {
  const block = technicianPinBlock(pin);
  return Buffer.concat([Buffer.from([0x00, 0x20, 0x00, TECHNICIAN_PIN_REFERENCE, block.length]), block]);
}

/** INTERNAL AUTHENTICATE `00 88 00 00 20 <challenge> 00`. */
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

const cardError = (what: string, sw: number, length: number): { ok: false; error: TechnicianCardFailure } => ({
  ok: false,
  error: { code: 'card-error', message: `${what} answered ${sw.toString(16).padStart(4, '0')} with ${length} bytes` },
});

/** SELECT the technician application, read the id and key id, and ask the PIN state. */
export async function identifyTechnicianCard(transmit: ApduTransmit): Promise<Result<TechnicianCardIdentity, TechnicianCardFailure>> {
  const selected = await exchange(transmit, SELECT_TECHNICIAN, 'SELECT technician application');
  if (!selected.ok) return selected;
  if (selected.value.sw !== 0x9000) {
    return { ok: false, error: { code: 'not-technician-card', message: `SELECT answered ${selected.value.sw.toString(16)}` } };
  }
  const id = await exchange(transmit, GET_TECHNICIAN_ID, 'GET DATA technician id');
  if (!id.ok) return id;
  const technicianId = id.value.data.toString('latin1');
  if (id.value.sw !== 0x9000 || !TECHNICIAN_ID_PATTERN.test(technicianId)) return cardError('GET DATA technician id', id.value.sw, id.value.data.length);
  const keyId = await exchange(transmit, GET_TECHNICIAN_KEY_ID, 'GET DATA key id');
  if (!keyId.ok) return keyId;
  if (keyId.value.sw !== 0x9000 || keyId.value.data.length !== 32) return cardError('GET DATA key id', keyId.value.sw, keyId.value.data.length);
  const state = await exchange(transmit, VERIFY_PIN_STATE, 'VERIFY (PIN state)');
  if (!state.ok) return state;
  const sw = state.value.sw;
  let pin: CardPinState;
  if (sw === TECHNICIAN_SW.blocked) pin = { blocked: true };
  else if ((sw & 0xfff0) === TECHNICIAN_SW.triesLeftBase) pin = (sw & 0x0f) === 0 ? { blocked: true } : { blocked: false, triesLeft: sw & 0x0f };
  else if (sw === 0x9000) pin = { blocked: false, triesLeft: 1 };
  else return cardError('VERIFY (PIN state)', sw, state.value.data.length);
  return { ok: true, value: { technicianId, keyId: keyId.value.data.toString('hex'), pin } };
}

/** VERIFY the PIN on the card (the card checks and counts it). `pin` must be 4–8 digits. */
export async function verifyPinOnCard(transmit: ApduTransmit, pin: string): Promise<Result<CardPinAnswer, TechnicianCardFailure>> {
  const r = await exchange(transmit, verifyPinApdu(pin), 'VERIFY PIN');
  if (!r.ok) return r;
  const sw = r.value.sw;
  if (sw === 0x9000) return { ok: true, value: { kind: 'verified' } };
  if (sw === TECHNICIAN_SW.blocked || sw === TECHNICIAN_SW.triesLeftBase) return { ok: true, value: { kind: 'blocked' } };
  if ((sw & 0xfff0) === TECHNICIAN_SW.triesLeftBase) return { ok: true, value: { kind: 'wrong', triesLeft: sw & 0x0f } };
  return cardError('VERIFY PIN', sw, r.value.data.length);
}

/** INTERNAL AUTHENTICATE: the card's DER signature of the challenge (after a verified PIN). */
export async function signOnCard(transmit: ApduTransmit, challenge: Buffer): Promise<Result<Buffer, TechnicianCardFailure>> {
  const r = await exchange(transmit, internalAuthenticate(challenge), 'INTERNAL AUTHENTICATE');
  if (!r.ok) return r;
  if (r.value.sw !== 0x9000 || r.value.data.length < 8 || r.value.data.length > 72) return cardError('INTERNAL AUTHENTICATE', r.value.sw, r.value.data.length);
  return { ok: true, value: Buffer.from(r.value.data) };
}
