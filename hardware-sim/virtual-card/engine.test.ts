import { createHash, createPublicKey, verify } from 'node:crypto';
import { technicianSignedMessage } from '../../shared/technician-card.js';
import { newTechnicianCard } from '../card-images/technician-card.js';
import { describe, expect, it } from 'vitest';
import { iso14443_4Atr, atrOf } from './atr.js';
import { CardEngine } from './engine.js';
import { toHex, fromHex } from '../../shared/bytes.js';
import type { CardImage } from './image.js';
import { parseCardImage } from './load.js';

const TU = 'A000000632010105';
const tx = (engine: CardEngine, command: string): string => toHex(engine.transmit(fromHex(command)));
const selectTU = `00A4040008${TU}00`;

const small: CardImage = parseCardImage({
  name: 'small',
  description: 'engine test card',
  uid: '04112233',
  historicalBytes: '8073',
  applications: [
    {
      aid: TU,
      fid: '1001',
      fci: '6F0A8408A000000632010105',
      files: [
        { sfi: 0x15, fid: '0015', binary: '0102030405060708090A' },
        { sfi: 0x18, records: ['AA01', 'BB02', 'CC03'] },
      ],
      balance: { slot0: 0x00001234 },
    },
    { aid: '5041592E535A54', fci: '6F00', balance: { slot0: 1, slot1: 0x80000010 } },
  ],
  expected: { family: null },
});

describe('CardEngine', () => {
  it('answers the UID pseudo-APDU like a contactless reader, and refuses other FF commands', () => {
    const e = new CardEngine(small);
    expect(tx(e, 'FFCA000000')).toBe('041122339000');
    expect(tx(e, 'FFCA010000')).toBe('6A81');
    expect(tx(e, 'FF00400D0400000000')).toBe('6E00');
  });

  it('selects by name with the FCI, by FID, and the MF', () => {
    const e = new CardEngine(small);
    expect(tx(e, selectTU)).toBe('6F0A8408A0000006320101059000');
    expect(tx(e, `00A4040C08${TU}`)).toBe('9000');
    expect(tx(e, '00A404000AA00000000386980701FF00')).toBe('6A82');
    expect(tx(e, '00A40000021001')).toBe('6F0A8408A0000006320101059000');
    expect(tx(e, '00A4000002001500')).toBe('9000');
    expect(tx(e, '00B0000000')).toBe('0102030405060708090A9000');
    expect(tx(e, '00A40000023F00')).toBe('9000');
    expect(tx(e, '00B0950000')).toBe('6A82');
    expect(tx(e, '00A4020002001500')).toBe('6A86');
  });

  it('reads binary by SFI with Le 0 = all, a shorter Le, an offset, and 62 82 past the end', () => {
    const e = new CardEngine(small);
    expect(tx(e, '00B0950000')).toBe('6A82');
    tx(e, selectTU);
    expect(tx(e, '00B0950000')).toBe('0102030405060708090A9000');
    expect(tx(e, '00B0950004')).toBe('010203049000');
    expect(tx(e, '00B0950800')).toBe('090A9000');
    expect(tx(e, '00B095000C')).toBe('0102030405060708090A6282');
    expect(tx(e, '00B0950B00')).toBe('6B00');
    expect(tx(e, '00B0960000')).toBe('6A82');
    expect(tx(e, '00B0980000')).toBe('6981');
    expect(tx(e, '00B09500')).toBe('6700');
  });

  it('reads records by SFI and answers 6A 83 past the last one', () => {
    const e = new CardEngine(small);
    tx(e, selectTU);
    expect(tx(e, '00B201C400')).toBe('AA019000');
    expect(tx(e, '00B203C400')).toBe('CC039000');
    expect(tx(e, '00B204C400')).toBe('6A83');
    expect(tx(e, '00B2010400')).toBe('AA019000');
    expect(tx(e, '00B201AC00')).toBe('6981');
    expect(tx(e, '00B201C500')).toBe('6A86');
    expect(tx(e, '00B200C400')).toBe('6A86');
  });

  it('gives balance slots, and 6A 86 for an absent slot 1', () => {
    const e = new CardEngine(small);
    expect(tx(e, '805C000204')).toBe('6985');
    tx(e, selectTU);
    expect(tx(e, '805C000204')).toBe('000012349000');
    expect(tx(e, '805C010204')).toBe('6A86');
    expect(tx(e, '805C000200')).toBe('000012349000');
    expect(tx(e, '805C000203')).toBe('6700');
    tx(e, '00A40400075041592E535A5400');
    expect(tx(e, '805C010204')).toBe('800000109000');
  });

  it('answers 6D 00 for unknown instructions and 6E 00 for unknown classes, 67 00 for bad lengths', () => {
    const e = new CardEngine(small);
    expect(tx(e, '00DA000000')).toBe('6D00');
    expect(tx(e, 'A0A4000002')).toBe('6E00');
    expect(tx(e, '80A4040008' + TU)).toBe('6E00');
    expect(tx(e, '00A404')).toBe('6700');
    expect(tx(e, '00A4040008A000')).toBe('6700');
    const custom = new CardEngine({ ...small, unknownInstruction: '6A81' });
    expect(tx(custom, '00DA000000')).toBe('6A81');
  });

  it('forgets the selection on reset', () => {
    const e = new CardEngine(small);
    tx(e, selectTU);
    e.reset();
    expect(tx(e, '805C000204')).toBe('6985');
  });

  describe('T=0 manners', () => {
    const t0 = { ...small, t0: { getResponse: true, exactLe: true } };
    it('answers 61 xx to SELECT and gives the data with GET RESPONSE, in pieces if asked', () => {
      const e = new CardEngine(t0);
      expect(tx(e, selectTU)).toBe('610C');
      expect(tx(e, '00C0000005')).toBe('6F0A8408A06107');
      expect(tx(e, '00C0000007')).toBe('000006320101059000');
      expect(tx(e, '00C000000C')).toBe('6985');
    });
    it('answers 6C xx to a wrong Le, then the data for the right one', () => {
      const e = new CardEngine(t0);
      tx(e, selectTU);
      expect(tx(e, '00B0950000')).toBe('6C0A');
      expect(tx(e, '00B095000A')).toBe('0102030405060708090A9000');
      expect(tx(e, '805C000200')).toBe('6C04');
      expect(tx(e, '805C000204')).toBe('000012349000');
      expect(tx(e, '00B201C400')).toBe('6C02');
    });
    it('drops pending data when another command comes first', () => {
      const e = new CardEngine(t0);
      expect(tx(e, selectTU)).toBe('610C');
      expect(tx(e, '00DA000000')).toBe('6D00');
      expect(tx(e, '00C000000C')).toBe('6985');
    });
  });

  describe('technician card', () => {
    it('answers GET DATA with the technician id and key id, checks and counts the PIN, and signs a challenge only after a verified PIN', () => {
      const card = newTechnicianCard({ technicianId: 'GZ-T-0077', pin: '24681357', pinTries: 3 });
      const c = new CardEngine(card.image);
      expect(tx(c, '80CA010100')).toBe('6A88');
      expect(tx(c, '00A4040008F0534B544543480100').endsWith('9000')).toBe(true);
      expect(Buffer.from(tx(c, '80CA010100').slice(0, -4), 'hex').toString('ascii')).toBe('GZ-T-0077');
      const keyId = createHash('sha256').update(createPublicKey(card.publicKeyPem).export({ type: 'spki', format: 'der' })).digest('hex').toUpperCase();
      expect(tx(c, '80CA010200')).toBe(keyId + '9000');
      const challenge = '00112233445566778899AABBCCDDEEFF'.repeat(2);
      expect(tx(c, `0088000020${challenge}00`)).toBe('6982');
      expect(tx(c, '00200080')).toBe('63C3');
      expect(tx(c, '0020008008' + Buffer.from('1111').toString('hex') + 'FFFFFFFF')).toBe('63C2');
      expect(tx(c, '0020008008' + Buffer.from('12').toString('hex') + 'FFFFFFFFFFFF')).toBe('6A80');
      expect(tx(c, '00200080')).toBe('63C2');
      expect(tx(c, '0020008008' + Buffer.from('24681357').toString('hex'))).toBe('9000');
      expect(tx(c, '00200080')).toBe('9000');
      const answer = tx(c, `0088000020${challenge}00`);
      expect(answer.endsWith('9000')).toBe(true);
      const signature = Buffer.from(answer.slice(0, -4), 'hex');
      expect(verify('sha256', technicianSignedMessage(Buffer.from(challenge, 'hex')), card.publicKeyPem, signature)).toBe(true);
      expect(verify('sha256', technicianSignedMessage(Buffer.from(challenge.replace('00', '01'), 'hex')), card.publicKeyPem, signature)).toBe(false);
      // One signature per verified PIN.
      expect(tx(c, `0088000020${challenge}00`)).toBe('6982');
      expect(tx(c, `0088000010${challenge.slice(0, 32)}00`)).toBe('6700');
    });
    it('keeps its PIN counter across taps (power cycles, new engines) and blocks for good after the last wrong PIN', () => {
      const card = newTechnicianCard({ technicianId: 'GZ-T-0078', pin: '2468', pinTries: 2 });
      const wrong = '0020008008' + Buffer.from('1357').toString('hex') + 'FFFFFFFF';
      const first = new CardEngine(card.image);
      tx(first, '00A4040008F0534B544543480100');
      expect(tx(first, wrong)).toBe('63C1');
      first.reset();
      const second = new CardEngine(card.image);
      tx(second, '00A4040008F0534B544543480100');
      expect(tx(second, '00200080')).toBe('63C1');
      expect(tx(second, wrong)).toBe('63C0');
      expect(tx(second, '0020008008' + Buffer.from('2468').toString('hex') + 'FFFFFFFF')).toBe('6983');
      expect(tx(second, `0088000020${'00'.repeat(32)}00`)).toBe('6983');
      const third = new CardEngine(card.image);
      tx(third, '00A4040008F0534B544543480100');
      expect(tx(third, '00200080')).toBe('6983');
    });
    it('forgets a verified PIN when powered off', () => {
      const card = newTechnicianCard({ technicianId: 'GZ-T-0079', pin: '2468' });
      const c = new CardEngine(card.image);
      tx(c, '00A4040008F0534B544543480100');
      expect(tx(c, '0020008008' + Buffer.from('2468').toString('hex') + 'FFFFFFFF')).toBe('9000');
      c.reset();
      tx(c, '00A4040008F0534B544543480100');
      expect(tx(c, `0088000020${'00'.repeat(32)}00`)).toBe('6982');
    });
    it('refuses INTERNAL AUTHENTICATE outside the technician application', () => {
      expect(tx(new CardEngine(small), `0088000020${'00'.repeat(32)}00`)).toBe('6985');
      expect(tx(new CardEngine(small), '00200080')).toBe('6985');
    });
  });
});

describe('ATR', () => {
  it('is 3B 8n 80 01 <historical> TCK with TCK the XOR of T0..last historical byte', () => {
    expect(toHex(iso14443_4Atr(new Uint8Array(0)))).toBe('3B80800101');
    expect(toHex(iso14443_4Atr(fromHex('8073')))).toBe('3B8280018073F0');
    expect(toHex(atrOf(small))).toBe('3B8280018073F0');
    expect(toHex(atrOf({ ...small, atr: '3B8F8001804F0CA000000306030001000000006A' }))).toBe('3B8F8001804F0CA000000306030001000000006A');
  });
});
