import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import {
  TECHNICIAN_CHALLENGE_LENGTH,
  TECHNICIAN_DATA_ID,
  TECHNICIAN_DATA_KEY_ID,
  TECHNICIAN_PIN_BLOCK_LENGTH,
  TECHNICIAN_PIN_REFERENCE,
  TECHNICIAN_SW,
  technicianSignedMessage,
} from '../../shared/technician-card.js';
import { SW, parseCommandApdu, withSw, type CommandApdu } from './apdu.js';
import { fromHex, sameBytes } from '../../shared/bytes.js';
import type { CardApplicationImage, CardFileImage, CardImage, TechnicianImage } from './image.js';

interface LoadedFile {
  readonly sfi: number | null;
  readonly fid: Uint8Array | null;
  readonly binary: Uint8Array | null;
  readonly records: readonly Uint8Array[] | null;
}

interface LoadedApplication {
  readonly image: CardApplicationImage;
  readonly aid: Uint8Array;
  readonly fid: Uint8Array | null;
  readonly fci: Uint8Array;
  readonly selectAnswer: Uint8Array | null;
  readonly files: readonly LoadedFile[];
  readonly technician: LoadedTechnician | null;
}

const MF = Uint8Array.of(0x3f, 0x00);

/** The technician applet's persistent memory: the PIN try counter survives taps (power cycles), as on a real card. */
interface TechnicianMemory {
  triesLeft: number;
}

/** Card memory of this process, by image name, technician id and key: one counter per simulated card. */
const technicianMemories = new Map<string, TechnicianMemory>();

interface LoadedTechnician {
  readonly image: TechnicianImage;
  readonly key: KeyObject;
  readonly keyId: Uint8Array;
  readonly memory: TechnicianMemory;
}

function loadTechnician(cardName: string, t: TechnicianImage): LoadedTechnician {
  const key = createPrivateKey(t.privateKeyPem);
  const keyId = createHash('sha256').update(createPublicKey(key).export({ type: 'spki', format: 'der' })).digest();
  const slot = `${cardName}/${t.technicianId}/${keyId.toString('hex')}`;
  let memory = technicianMemories.get(slot);
  if (!memory) {
    memory = { triesLeft: t.pinTries ?? 5 };
    technicianMemories.set(slot, memory);
  }
  return { image: t, key, keyId: Uint8Array.from(keyId), memory };
}

function loadFile(f: CardFileImage): LoadedFile {
  return {
    sfi: f.sfi ?? null,
    fid: f.fid !== undefined ? fromHex(f.fid) : null,
    binary: f.binary !== undefined ? fromHex(f.binary) : null,
    records: f.records !== undefined ? f.records.map(fromHex) : null,
  };
}

/**
 * The card's answers: APDU in, response (data + SW1SW2) out, no I/O. Stricter than a real card:
 * anything it does not know gets `6E 00` (class) or `6D 00` (instruction), a malformed length
 * `67 00`. See docs/hardware-sim.md for every command.
 */
export class CardEngine {
  private readonly apps: readonly LoadedApplication[];
  private readonly mfFiles: readonly LoadedFile[];
  private readonly uid: Uint8Array;
  private readonly swUnknownIns: number;
  private readonly swUnknownCla: number;
  private selected: LoadedApplication | null = null;
  private currentEf: LoadedFile | null = null;
  private pending: Uint8Array | null = null;
  /** PIN verified since power on; one signature consumes it. */
  private pinVerified = false;

  constructor(readonly image: CardImage) {
    this.uid = fromHex(image.uid);
    this.swUnknownIns = parseInt(image.unknownInstruction?.replace(/\s+/g, '') ?? '6D00', 16);
    this.swUnknownCla = parseInt(image.unknownClass?.replace(/\s+/g, '') ?? '6E00', 16);
    this.mfFiles = (image.mfFiles ?? []).map(loadFile);
    this.apps = image.applications.map((a) => ({
      image: a,
      aid: fromHex(a.aid),
      fid: a.fid !== undefined ? fromHex(a.fid) : null,
      fci: fromHex(a.fci),
      selectAnswer: a.selectAnswer !== undefined ? fromHex(a.selectAnswer) : null,
      files: (a.files ?? []).map(loadFile),
      technician: a.technician ? loadTechnician(image.name, a.technician) : null,
    }));
  }

  /** Power on, power off and warm reset all forget the selected application and pending data. */
  reset(): void {
    this.selected = null;
    this.currentEf = null;
    this.pending = null;
    this.pinVerified = false;
  }

  transmit(command: Uint8Array): Uint8Array {
    const apdu = parseCommandApdu(command);
    if (!apdu) return withSw(new Uint8Array(0), SW.wrongLength);
    if (apdu.cla === 0xff) return this.readerPseudoApdu(apdu);
    if (apdu.cla !== 0x00 && apdu.cla !== 0x80) return this.sw(this.swUnknownCla);
    if (apdu.ins === 0xc0) return this.getResponse(apdu);
    this.pending = null;
    const t0 = this.image.t0;
    const answer = this.dispatch(apdu);
    const data = answer.subarray(0, answer.length - 2);
    const sw = (answer[answer.length - 2]! << 8) | answer[answer.length - 1]!;
    if (t0?.getResponse && data.length > 0 && sw === SW.ok && !(t0.exactLe && apdu.data.length === 0 && apdu.le === data.length)) {
      this.pending = data.slice();
      return this.sw(0x6100 | (data.length & 0xff));
    }
    return answer;
  }

  private sw(sw: number): Uint8Array {
    return withSw(new Uint8Array(0), sw);
  }

  private readerPseudoApdu(apdu: CommandApdu): Uint8Array {
    if (apdu.ins !== 0xca) return this.sw(this.swUnknownCla);
    if (apdu.p1 === 0x00 && apdu.p2 === 0x00) return withSw(this.uid, SW.ok);
    return this.sw(SW.functionNotSupported);
  }

  private dispatch(apdu: CommandApdu): Uint8Array {
    switch (apdu.ins) {
      case 0xa4:
        return apdu.cla === 0x00 ? this.select(apdu) : this.sw(this.swUnknownCla);
      case 0xb0:
        return apdu.cla === 0x00 ? this.readBinary(apdu) : this.sw(this.swUnknownCla);
      case 0xb2:
        return apdu.cla === 0x00 ? this.readRecord(apdu) : this.sw(this.swUnknownCla);
      case 0x5c:
        return apdu.cla === 0x80 ? this.getBalance(apdu) : this.sw(this.swUnknownCla);
      case 0xca:
        return apdu.cla === 0x80 ? this.getData(apdu) : this.sw(this.swUnknownCla);
      case 0x88:
        return apdu.cla === 0x00 ? this.internalAuthenticate(apdu) : this.sw(this.swUnknownCla);
      case 0x20:
        return apdu.cla === 0x00 ? this.verify(apdu) : this.sw(this.swUnknownCla);
      default:
        return this.sw(this.swUnknownIns);
    }
  }

  private select(apdu: CommandApdu): Uint8Array {
    const noFci = (apdu.p2 & 0x0c) === 0x0c;
    if (apdu.p1 === 0x04) {
      const app = this.apps.find((a) => sameBytes(a.aid, apdu.data));
      if (!app) return this.sw(SW.fileNotFound);
      return this.enter(app, noFci);
    }
    if (apdu.p1 === 0x00) {
      if (apdu.data.length !== 2) return this.sw(SW.wrongLength);
      if (sameBytes(apdu.data, MF)) {
        this.reset();
        return this.sw(SW.ok);
      }
      const app = this.apps.find((a) => a.fid !== null && sameBytes(a.fid, apdu.data));
      if (app) return this.enter(app, noFci);
      const ef = this.selected?.files.find((f) => f.fid !== null && sameBytes(f.fid, apdu.data));
      if (!ef) return this.sw(SW.fileNotFound);
      this.currentEf = ef;
      return this.sw(SW.ok);
    }
    return this.sw(SW.wrongP1P2);
  }

  private enter(app: LoadedApplication, noFci: boolean): Uint8Array {
    if (this.selected !== app) this.pinVerified = false;
    this.selected = app;
    this.currentEf = null;
    if (app.selectAnswer) return app.selectAnswer.slice();
    return noFci ? this.sw(SW.ok) : withSw(app.fci, SW.ok);
  }

  private fileBySfi(sfi: number): LoadedFile | null | undefined {
    const files = this.selected ? this.selected.files : this.mfFiles;
    return files.find((f) => f.sfi === sfi) ?? null;
  }

  /** Applies Le to the data: `6C xx` in exact-Le mode, the first Le bytes, or `62 82` when shorter. */
  private answerWithLe(data: Uint8Array, le: number | null): Uint8Array {
    if (le === null) return this.sw(SW.wrongLength);
    if (this.image.t0?.exactLe && le !== (data.length & 0xff)) return this.sw(0x6c00 | (data.length & 0xff));
    const max = le === 0 ? 256 : le;
    if (data.length > max) return withSw(data.subarray(0, max), SW.ok);
    if (le !== 0 && data.length < le) return withSw(data, SW.endOfFile);
    return withSw(data, SW.ok);
  }

  private readBinary(apdu: CommandApdu): Uint8Array {
    let file: LoadedFile | null | undefined;
    let offset: number;
    if (apdu.p1 & 0x80) {
      if (apdu.p1 & 0x60) return this.sw(SW.wrongP1P2);
      file = this.fileBySfi(apdu.p1 & 0x1f);
      offset = apdu.p2;
    } else {
      file = this.currentEf;
      offset = (apdu.p1 << 8) | apdu.p2;
    }
    if (!file) return this.sw(SW.fileNotFound);
    if (!file.binary) return this.sw(SW.incompatibleFile);
    if (offset > file.binary.length) return this.sw(SW.wrongOffset);
    if (apdu.p1 & 0x80) this.currentEf = file;
    return this.answerWithLe(file.binary.subarray(offset), apdu.le);
  }

  private readRecord(apdu: CommandApdu): Uint8Array {
    if ((apdu.p2 & 0x07) !== 0x04 || apdu.p1 === 0) return this.sw(SW.wrongP1P2);
    const sfi = apdu.p2 >> 3;
    const file = sfi === 0 ? this.currentEf : this.fileBySfi(sfi);
    if (!file) return this.sw(SW.fileNotFound);
    if (!file.records) return this.sw(SW.incompatibleFile);
    if (sfi !== 0) this.currentEf = file;
    const record = file.records[apdu.p1 - 1];
    if (!record) return this.sw(SW.recordNotFound);
    return this.answerWithLe(record, apdu.le);
  }

  private getBalance(apdu: CommandApdu): Uint8Array {
    if ((apdu.p1 !== 0x00 && apdu.p1 !== 0x01) || apdu.p2 !== 0x02) return this.sw(SW.wrongP1P2);
    const balance = this.selected?.image.balance;
    if (!balance) return this.sw(SW.conditionsNotSatisfied);
    const slot = apdu.p1 === 0x00 ? balance.slot0 : balance.slot1;
    if (slot === undefined) return this.sw(SW.wrongP1P2);
    const data = new Uint8Array(4);
    new DataView(data.buffer).setUint32(0, slot >>> 0, false);
    if (apdu.le !== 0 && apdu.le !== 4 && !this.image.t0?.exactLe) return this.sw(SW.wrongLength);
    return this.answerWithLe(data, apdu.le);
  }

  private getData(apdu: CommandApdu): Uint8Array {
    const tech = this.selected?.technician;
    const tag = (apdu.p1 << 8) | apdu.p2;
    if (!tech) return this.sw(SW.dataNotFound);
    if (tag === TECHNICIAN_DATA_ID) return this.answerWithLe(new TextEncoder().encode(tech.image.technicianId), apdu.le ?? 0);
    if (tag === TECHNICIAN_DATA_KEY_ID) return this.answerWithLe(tech.keyId, apdu.le ?? 0);
    return this.sw(SW.dataNotFound);
  }

  /** VERIFY: without data, the PIN state; with a PIN block, checks it and counts a wrong one. */
  private verify(apdu: CommandApdu): Uint8Array {
    const tech = this.selected?.technician;
    if (!tech) return this.sw(SW.conditionsNotSatisfied);
    if (apdu.p1 !== 0x00 || apdu.p2 !== TECHNICIAN_PIN_REFERENCE) return this.sw(SW.wrongP1P2);
    const memory = tech.memory;
    if (memory.triesLeft === 0) return this.sw(TECHNICIAN_SW.blocked);
    if (apdu.data.length === 0) return this.sw(this.pinVerified ? SW.ok : TECHNICIAN_SW.triesLeftBase | memory.triesLeft);
    if (apdu.data.length !== TECHNICIAN_PIN_BLOCK_LENGTH) return this.sw(SW.wrongLength);
    const digits = Buffer.from(apdu.data).toString('latin1').replace(/\xff+$/, '');
    if (!/^\d{4,8}$/.test(digits)) return this.sw(TECHNICIAN_SW.wrongData);
    if (digits === tech.image.pin) {
      memory.triesLeft = tech.image.pinTries ?? 5;
      this.pinVerified = true;
      return this.sw(SW.ok);
    }
    memory.triesLeft -= 1;
    this.pinVerified = false;
    return this.sw(TECHNICIAN_SW.triesLeftBase | memory.triesLeft);
  }

  /** INTERNAL AUTHENTICATE: signs `prefix ‖ challenge` with the card's key, once per verified PIN. */
  private internalAuthenticate(apdu: CommandApdu): Uint8Array {
    const tech = this.selected?.technician;
    if (!tech) return this.sw(SW.conditionsNotSatisfied);
    if (apdu.p1 !== 0 || apdu.p2 !== 0) return this.sw(SW.wrongP1P2);
    if (apdu.data.length !== TECHNICIAN_CHALLENGE_LENGTH) return this.sw(SW.wrongLength);
    if (tech.memory.triesLeft === 0) return this.sw(TECHNICIAN_SW.blocked);
    if (!this.pinVerified) return this.sw(SW.securityNotSatisfied);
    this.pinVerified = false;
    const signature = sign('sha256', technicianSignedMessage(apdu.data), tech.key);
    return withSw(Uint8Array.from(signature), SW.ok);
  }

  private getResponse(apdu: CommandApdu): Uint8Array {
    const pending = this.pending;
    if (!pending || apdu.p1 !== 0 || apdu.p2 !== 0) {
      this.pending = null;
      return this.sw(pending ? SW.wrongP1P2 : SW.conditionsNotSatisfied);
    }
    const le = apdu.le ?? 0;
    const max = le === 0 ? 256 : le;
    if (pending.length <= max) {
      this.pending = null;
      return withSw(pending, SW.ok);
    }
    this.pending = pending.slice(max);
    return withSw(pending.subarray(0, max), 0x6100 | (this.pending.length & 0xff));
  }
}
