/** Command APDUs of the transit-card reads (CARDS.md, "APDUs"). Read-only: nothing here writes to a card. */

export const GET_UID = Uint8Array.of(0xff, 0xca, 0x00, 0x00, 0x00);

/** SELECT the master file `3F00` (the card's top level), no FCI asked. */
export const SELECT_MF = Uint8Array.of(0x00, 0xa4, 0x00, 0x00, 0x02, 0x3f, 0x00);

export function selectByName(name: Uint8Array): Uint8Array {
  return Uint8Array.of(0x00, 0xa4, 0x04, 0x00, name.length, ...name, 0x00);
}

/** SELECT a DF by its 2-byte file id, FCI asked (`00 A4 00 00 02 <FID> 00`). */
export function selectByFileId(fid: Uint8Array): Uint8Array {
  return Uint8Array.of(0x00, 0xa4, 0x00, 0x00, 0x02, fid[0]!, fid[1]!, 0x00);
}

export function readBinary(sfi: number): Uint8Array {
  return Uint8Array.of(0x00, 0xb0, 0x80 | sfi, 0x00, 0x00);
}

export function readRecord(sfi: number, record: number): Uint8Array {
  return Uint8Array.of(0x00, 0xb2, record, (sfi << 3) | 0x04, 0x00);
}

export function getBalance(slot: 0 | 1): Uint8Array {
  return Uint8Array.of(0x80, 0x5c, slot, 0x02, 0x04);
}

export const ascii = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'ascii'));
