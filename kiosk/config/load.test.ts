import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadKioskConfig, parseKioskConfig } from './index.js';

const demo: Record<string, unknown> = JSON.parse(await readFile(new URL('../../config/demo.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const dir = await mkdtemp(join(tmpdir(), 'kiosk-config-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

function problemsOf(value: unknown): readonly string[] {
  try {
    parseKioskConfig(value, 'config/station.json');
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('kiosk config', () => {
  it('accepts the demo config and fills defaults', () => {
    const c = parseKioskConfig(demo, 'config/demo.json');
    expect(c.kioskCode).toBe('GZ0102');
    expect(c.ui.port).toBe(8080);
    expect(c.readerName).toBe('Virtual PCD 00 00');
    const { ui: _ui, idleWarningSeconds: _w, ...rest } = demo;
    const d = parseKioskConfig(rest, 'x.json');
    expect(d.ui.port).toBe(8080);
    expect(d.idleWarningSeconds).toBe(10);
  });

  it('says which field is wrong, what it must be and what it got', () => {
    expect(problemsOf({ ...demo, idleTimeoutSeconds: 'abc' })).toEqual(['idleTimeoutSeconds must be a whole number between 10 and 600, got "abc"']);
    expect(problemsOf({ ...demo, central: { url: 'ftp://x', token: 't' } })).toEqual(['central.url must be an http:// or https:// URL, got "ftp://x"']);
    expect(problemsOf({ ...demo, kioskCode: 'gz-01' })).toEqual(['kioskCode must be 2 to 8 capital letters or digits, got "gz-01"']);
  });

  it('lists every problem at once, including unknown settings (typos)', () => {
    const p = problemsOf({ ...demo, cityCode: 5810, idleTimeout: 30, defaultLanguage: 'fr', ui: { port: 70000 } });
    expect(p).toContain('cityCode must be four digits, got 5810');
    expect(p).toContain('defaultLanguage must be one of "zh", "en", got "fr"');
    expect(p).toContain('ui.port must be a whole number between 0 and 65535, got 70000');
    expect(p.some((x) => x.startsWith('idleTimeout is not a known setting'))).toBe(true);
  });

  it('refuses a warning longer than the idle timeout and a default language not offered', () => {
    expect(problemsOf({ ...demo, idleTimeoutSeconds: 10, idleWarningSeconds: 10 })).toEqual([
      'idleWarningSeconds must be less than idleTimeoutSeconds (10), got 10',
    ]);
    expect(problemsOf({ ...demo, languages: ['en'], defaultLanguage: 'zh' })).toEqual(['defaultLanguage must be one of languages (en), got "zh"']);
  });

  it('names the file in errors about unreadable files and bad JSON', async () => {
    const bad = join(dir, 'station.json');
    await writeFile(bad, '{ "stationId": ');
    await expect(loadKioskConfig(bad)).rejects.toThrow(`${bad}: is not valid JSON`);
    await expect(loadKioskConfig(join(dir, 'missing.json'))).rejects.toThrow('cannot be read (ENOENT)');
    await writeFile(bad, JSON.stringify({ ...demo, idleTimeoutSeconds: 'abc' }));
    await expect(loadKioskConfig(bad)).rejects.toMatchObject({ code: 'invalid-config', message: `${bad}: idleTimeoutSeconds must be a whole number between 10 and 600, got "abc"` });
  });
});
