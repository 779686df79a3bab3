import { describe, expect, it } from 'vitest';
import { applyFields, checksum, encodeCommand, LineSplitter, parseCabinetLine } from './cabinet-protocol.js';

describe('cabinet line protocol', () => {
  it('frames commands with an XOR checksum and CR LF', () => {
    // '>' 0x3E ^ ' ' 0x20 ^ 'S' 'T' 'A' 'T' 'U' 'S' = 0x1E ^ 0x53 ^ 0x54 ^ 0x41 ^ 0x54 ^ 0x55 ^ 0x53 = 0x0A
    expect(checksum('> STATUS')).toBe('0A');
    expect(encodeCommand('STATUS').toString('latin1')).toBe('> STATUS*0A\r\n');
  });

  it('parses a status reply into fields', () => {
    const body = 'STATUS DOOR=CLOSED TEMP=31.5 POWER=MAINS BATT=98';
    const line = parseCabinetLine(`< ${body}*${checksum(`< ${body}`)}`);
    expect(line).toMatchObject({ kind: 'reply', body });
    if ('code' in line) throw new Error('expected a line');
    expect(applyFields(null, line.fields)).toEqual({ door: 'closed', temperatureC: 31.5, power: 'mains', batteryPercent: 98 });
  });

  it('rejects bad checksums and frames', () => {
    expect(parseCabinetLine('! DOOR=OPEN*00')).toEqual({ code: 'bad-checksum', line: '! DOOR=OPEN*00' });
    expect(parseCabinetLine('DOOR=OPEN')).toMatchObject({ code: 'bad-frame' });
    expect(parseCabinetLine('! DOOR=OPEN*0')).toMatchObject({ code: 'bad-frame' });
  });

  it('refuses malformed values instead of guessing', () => {
    const base = { door: 'closed', temperatureC: 20, power: 'mains', batteryPercent: 90 } as const;
    expect(applyFields(base, new Map([['DOOR', 'AJAR']]))).toBeNull();
    expect(applyFields(base, new Map([['TEMP', '1e9']]))).toBeNull();
    expect(applyFields(base, new Map([['BATT', '140']]))).toBeNull();
    expect(applyFields(null, new Map([['DOOR', 'OPEN']]))).toBeNull();
    expect(applyFields(base, new Map([['DOOR', 'OPEN']]))).toEqual({ ...base, door: 'open' });
  });

  it('splits lines across chunks and drops an overlong line', () => {
    const s = new LineSplitter();
    expect(s.push(Buffer.from('< PO'))).toEqual([]);
    expect(s.push(Buffer.from('NG*00\r\n! A'))).toEqual(['< PONG*00']);
    expect(s.push(Buffer.from('x'.repeat(300)))).toEqual([]);
    expect(s.push(Buffer.from('tail\r\n< OK\r\n'))).toEqual(['< OK']);
  });
});
