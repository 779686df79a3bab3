import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../bytes.js';
import { encodeTransactionRecord, encodeTripRecord } from '../encode.js';
import { decodeTransactionRecord, decodeTripRecord } from './records.js';

/** One 0x18 record: a metro trip of 4.00 CNY. */
const TX_TRIP = fromHex(
  [
    '00 2A', // 0..1 counter 42
    '00 00 00', // 2..4 overdraft 0
    '00 00 01 90', // 5..8 amount 400 fen
    '09', // 9 type: compound purchase (trip)
    '58 10 00 00 01 23', // 10..15 terminal
    '20 24 05 17 08 30 15', // 16..22 time 2024-05-17 08:30:15
  ].join(''),
);

/** One 0x1E record: a metro entry with no charge. */
const TRIP_ENTRY = fromHex(
  [
    '03', // 0x00 type: entry
    '11 22 33 44 55 66 77 88', // 0x01..0x08 terminal id
    '01', // 0x09 mode: metro
    '01 02 03 04 05 06 07', // 0x0A..0x10 line and station
    '00 00 00 00', // 0x11..0x14 amount 0
    '00 00 0B B8', // 0x15..0x18 balance after 3000 fen
    '20 24 05 17 08 05 00', // 0x19..0x1F time 2024-05-17 08:05:00
    '58 10', // 0x20..0x21 city 5810
    '01 01 58 10 FF FF FF FF', // 0x22..0x29 institution
    '00 00 00 00 00 00', // 0x2A..0x2F reserved
  ].join(''),
);

const hex = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => Buffer.from(b).toString('hex').toUpperCase());
const isoTime = fc
  .record({
    y: fc.integer({ min: 2000, max: 2099 }),
    mo: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 28 }),
    h: fc.integer({ min: 0, max: 23 }),
    mi: fc.integer({ min: 0, max: 59 }),
    s: fc.integer({ min: 0, max: 59 }),
  })
  .map(({ y, mo, d, h, mi, s }) => {
    const p = (n: number) => String(n).padStart(2, '0');
    return `${y}-${p(mo)}-${p(d)}T${p(h)}:${p(mi)}:${p(s)}+08:00`;
  });

describe('0x18 transaction record', () => {
  it('decodes every field', () => {
    expect(decodeTransactionRecord(TX_TRIP)).toEqual({
      ok: true,
      value: { counter: 42, overdraft: 0, amount: 400, kind: 'trip', typeCode: 9, terminal: '581000000123', time: '2024-05-17T08:30:15+08:00' },
    });
  });

  it('maps type codes to kinds', () => {
    const kinds = [0x02, 0x06, 0x09, 0x01, 0x05, 0x07].map((t) => {
      const b = TX_TRIP.slice();
      b[9] = t;
      const r = decodeTransactionRecord(b);
      return r.ok ? r.value?.kind : r.error.code;
    });
    expect(kinds).toEqual(['top-up', 'purchase', 'trip', 'top-up', 'purchase', 'other']);
  });

  it('an all-zero record is empty; a short one is unreadable', () => {
    expect(decodeTransactionRecord(new Uint8Array(23))).toEqual({ ok: true, value: null });
    expect(decodeTransactionRecord(TX_TRIP.subarray(0, 22))).toMatchObject({ ok: false, error: { code: 'unreadable-card' } });
  });

  it('a non-BCD time becomes null, the rest stays', () => {
    const b = TX_TRIP.slice();
    b[20] = 0x3c; // hour 3C
    expect(decodeTransactionRecord(b)).toMatchObject({ ok: true, value: { amount: 400, time: null } });
  });

  it('round-trips encodeTransactionRecord', () => {
    fc.assert(
      fc.property(
        fc.record({
          counter: fc.integer({ min: 0, max: 0xffff }),
          overdraft: fc.integer({ min: 0, max: 0xffffff }),
          amount: fc.integer({ min: 1, max: 0xffffffff }),
          typeCode: fc.integer({ min: 0, max: 255 }),
          terminal: hex(6),
          time: fc.option(isoTime, { nil: null }),
        }),
        (t) => {
          const r = decodeTransactionRecord(encodeTransactionRecord(t));
          expect(r.ok).toBe(true);
          if (r.ok) expect(r.value).toMatchObject(t);
        },
      ),
    );
  });
});

describe('0x1E trip record', () => {
  it('decodes every field', () => {
    expect(decodeTripRecord(TRIP_ENTRY)).toEqual({
      ok: true,
      value: {
        kind: 'entry',
        mode: 'metro',
        amount: 0,
        balanceAfter: 3000,
        time: '2024-05-17T08:05:00+08:00',
        cityCode: '5810',
        line: 0x0102,
        stationNumber: 0x0304,
        station: '01020304050607',
        terminal: '1122334455667788',
        institution: '01015810FFFFFFFF',
      },
    });
  });

  it('maps kinds and modes', () => {
    // JT/T 978 type byte: 01/03 entry, 02/04 exit (electronic cash / e-purse), 05/06 single, 07/08 fare adjustment, 09/0A top-up
    const seen = [
      [0x04, 0x02],
      [0x02, 0x00],
      [0x01, 0x01],
      [0x06, 0x01],
      [0x05, 0x02],
      [0x07, 0x09],
      [0x0a, 0x01],
    ].map(([kind, mode]) => {
      const b = TRIP_ENTRY.slice();
      b[0] = kind!;
      b[9] = mode!;
      const r = decodeTripRecord(b);
      return r.ok && r.value ? `${r.value.kind}/${r.value.mode}` : 'error';
    });
    expect(seen).toEqual(['exit/bus', 'exit/other', 'entry/metro', 'single/metro', 'single/bus', 'other/other', 'other/metro']);
  });

  it('round-trips encodeTripRecord', () => {
    fc.assert(
      fc.property(
        fc.record({
          typeCode: fc.constantFrom(0x02, 0x03, 0x04, 0x06),
          modeCode: fc.constantFrom(0x00, 0x01, 0x02),
          terminal: hex(8),
          station: hex(7),
          amount: fc.integer({ min: 0, max: 0xffffffff }),
          balanceAfter: fc.integer({ min: 0, max: 0xffffffff }),
          time: fc.option(isoTime, { nil: null }),
          cityCode: fc.stringMatching(/^[0-9]{4}$/),
          institution: hex(8),
        }),
        (t) => {
          const bytes = encodeTripRecord(t);
          fc.pre(bytes.some((b) => b !== 0));
          const r = decodeTripRecord(bytes);
          const { typeCode: _t, modeCode: _m, ...rest } = t;
          expect(r).toMatchObject({ ok: true, value: rest });
        },
      ),
    );
  });

  it('random bytes give a record, empty, or a typed error; never a throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), (b) => {
        const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
        const trip = decodeTripRecord(b);
        if (!trip.ok) expect(trip.error.code).toBe('unreadable-card');
        else if (trip.value === null) expect(b.every((x) => x === 0)).toBe(true);
        else {
          // read back from the bytes at the offsets of the published layout, not through the encoder
          expect(trip.value.amount).toBe(view.getUint32(0x11));
          expect(trip.value.balanceAfter).toBe(view.getUint32(0x15));
          expect(trip.value.line).toBe(view.getUint16(0x0a));
          expect(trip.value.stationNumber).toBe(view.getUint16(0x0c));
        }
        const tx = decodeTransactionRecord(b);
        if (!tx.ok) expect(tx.error.code).toBe('unreadable-card');
        else if (tx.value === null) expect(b.subarray(0, 23).every((x) => x === 0)).toBe(true);
        else {
          expect(tx.value.counter).toBe(view.getUint16(0));
          expect(tx.value.amount).toBe(view.getUint32(5));
          expect(tx.value.typeCode).toBe(b[9]);
        }
      }),
    );
  });
});
