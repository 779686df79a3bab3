import { describe, expect, it } from 'vitest';
import type { DeviceStatusLine, SelfTestResult } from '../../../shared/maintenance-protocol.js';
import { selfTestWords } from './index.js';

const AT = '2026-12-01T01:00:00.000Z';
const DEVICES: DeviceStatusLine[] = [
  { device: 'card-reader', unit: 1, state: 'ok', code: null, detail: 'Virtual PCD 00 00', since: null },
  { device: 'card-reader', unit: 2, state: 'ok', code: null, detail: 'ACS ACR1252 1S CL Reader PICC 01 00', since: null },
];
const result = (over: Partial<SelfTestResult>): SelfTestResult => ({ test: 'card-reader', ok: true, code: 'read', detail: 'English for the log', at: AT, ...over });

describe("a self-test's outcome in the technician's language", () => {
  it('names the reader as the devices page does and the card family in words, never the raw reader name or the family key', () => {
    const read = result({ facts: { family: 't-union', reader: 'ACS ACR1252 1S CL Reader PICC 01 00' } });
    expect(selfTestWords('zh', read, DEVICES)).toBe('读卡器 2读到一张交通联合卡');
    expect(selfTestWords('en', read, DEVICES)).toBe('Card reader 2 read a T-Union card');
    const failed = result({ ok: false, code: 'unreadable-card', facts: { reader: 'Virtual PCD 00 00' } });
    expect(selfTestWords('zh', failed, DEVICES)).toBe('读卡器 1上的卡读不出：卡的应答无法识别');
    expect(selfTestWords('en', failed, DEVICES)).toBe('The card on Card reader 1 could not be read: its answers made no sense');
  });

  it('says every outcome in words in both languages; English words never stand on the Chinese screen', () => {
    const outcomes: SelfTestResult[] = [
      result({ test: 'printer', code: 'printed' }),
      result({ test: 'printer', ok: false, code: 'paper-out' }),
      result({ ok: false, code: 'no-card' }),
      result({ test: 'scanner', code: 'scanned', facts: { characters: 12, symbology: null } }),
      result({ test: 'scanner', ok: false, code: 'no-scan' }),
      result({ test: 'help-buttons', code: 'all-pressed', facts: { pressed: ['information', 'emergency'], expected: ['information', 'emergency'] } }),
      result({ test: 'help-buttons', ok: false, code: 'not-all-pressed', facts: { pressed: ['information'], expected: ['information', 'emergency'] } }),
      result({ test: 'scanner', ok: false, code: 'not-installed' }),
      result({ ok: false, code: 'test-error' }),
    ];
    for (const r of outcomes) {
      const zh = selfTestWords('zh', r, DEVICES);
      const en = selfTestWords('en', r, DEVICES);
      expect(zh, r.code).not.toMatch(/[A-Za-z]/);
      expect(en, r.code).not.toMatch(/[\u4e00-\u9fff]/);
      if (r.code.includes('-')) expect(en, r.code).not.toContain(r.code);
      expect(en, r.code).not.toBe(r.detail);
    }
    expect(selfTestWords('zh', outcomes[6]!, DEVICES)).toBe('还没有按：紧急按钮');
    expect(selfTestWords('en', outcomes[3]!, DEVICES)).toBe('Scanned a test code of 12 characters');
  });

  it('an outcome the screen has no words for says so, in words', () => {
    expect(selfTestWords('en', result({ test: 'printer', ok: false, code: 'firmware-xyz' }), DEVICES)).toBe('The device gave an answer this screen has no words for');
  });
});
