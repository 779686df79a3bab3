import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkRemoteSettings } from '../../shared/kiosk-config.js';
import { cardUseAt } from '../diagnosis/acceptance.js';
import { parseKioskConfig } from './index.js';
import { effectiveSettings, LiveSettings, type SettingsSession } from './remote-settings.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const demo = JSON.parse(await readFile(join(ROOT, 'config/demo.json'), 'utf8')) as Record<string, unknown>;
const station = parseKioskConfig({ ...demo, central: { url: 'https://central.metro.example', token: 'tok-0123456789' }, publicBaseUrl: 'https://kf.metro.example' }, 'station.json');
const beijingCard = { family: 'beijing', cityCode: null } as const;

const problems = (value: unknown, demoKiosk = false): readonly string[] => {
  const check = checkRemoteSettings(value, {}, { allowLoopbackPublicUrl: demoKiosk });
  return check.ok ? [] : check.problems;
};

describe('publicBaseUrl and acceptedCards from central', () => {
  it('takes an http(s) address with a path, and accepted cards with any part left out', () => {
    expect(problems({ publicBaseUrl: 'https://help.metro.example/service/' })).toEqual([]);
    expect(problems({ acceptedCards: {} })).toEqual([]);
    expect(problems({ acceptedCards: { tUnion: false, families: ['city-union'], cities: ['1000', '5210'] } })).toEqual([]);
  });

  it('refuses a loopback address unless the kiosk runs the demo, as kiosk start and kiosk install do', () => {
    for (const url of ['http://127.0.0.1:8081', 'http://localhost', 'http://[::1]:80', 'http://kiosk.localhost']) {
      expect(problems({ publicBaseUrl: url })).toEqual([`publicBaseUrl must be an address a passenger's phone can open, got the loopback address ${url} (only a demo kiosk may use one)`]);
      expect(problems({ publicBaseUrl: url }, true)).toEqual([]);
    }
  });

  it('refuses what a phone cannot open or what hides something, with the reason in words', () => {
    for (const bad of ['help.metro.example', 'ftp://help.metro.example', 'https://help.metro.example/?from=kiosk', 'https://help.metro.example/#t', 'https://staff:pw@help.metro.example', 'https://help.metro.example/\u202e', 42, `https://${'a'.repeat(200)}.example`]) {
      expect(problems({ publicBaseUrl: bad })[0]).toMatch(/^publicBaseUrl must be the http\(s\) address of the ticket page a passenger's phone can open, with no query/);
    }
  });

  it('refuses accepted cards of unknown families, cities that are not 4 digits, repeats and unknown parts', () => {
    for (const bad of [{ families: ['octopus'] }, { cities: ['10'] }, { cities: ['1000', '1000'] }, { families: ['beijing', 'beijing'] }, { tUnion: 'yes' }, { zones: [] }, ['1000'], null]) {
      expect(problems({ acceptedCards: bad })[0]).toMatch(/^acceptedCards must be \{"tUnion": true\|false, "families": \["t-union", /);
    }
  });

  it("central's values replace the file's: the ticket page without its trailing slash, the accepted cards with the parts left out as the file reads them", () => {
    const file = effectiveSettings(station, {});
    expect(file.ticketPageBase).toBe('https://kf.metro.example');
    expect(cardUseAt(beijingCard, '5810', file.acceptedCards)).toMatchObject({ usable: false, because: 'not-t-union' });

    const remote = effectiveSettings(station, { publicBaseUrl: 'https://help.metro.example/service/', acceptedCards: { cities: ['1000'] } });
    expect(remote.ticketPageBase).toBe('https://help.metro.example/service');
    expect(remote.acceptedCards).toEqual({ tUnion: true, families: [], cities: ['1000'] });
    expect(cardUseAt(beijingCard, '5810', remote.acceptedCards)).toMatchObject({ usable: true, because: 'accepted-city' });
  });

  it('a new address and accepted cards wait for the passenger at the kiosk to finish', () => {
    let idle = false;
    const listeners = new Set<() => void>();
    const session: SettingsSession = { isIdle: () => idle, subscribe: (l) => (listeners.add(l), () => listeners.delete(l)) };
    const live = new LiveSettings(station, {}, null);
    live.attach(session);
    live.offer(7, { publicBaseUrl: 'https://help.metro.example', acceptedCards: { cities: ['1000'] } });
    expect(live.current.ticketPageBase).toBe('https://kf.metro.example');
    expect(live.current.acceptedCards.cities).toEqual([]);
    expect(live.state()).toEqual({ version: null, waiting: 7 });
    idle = true;
    for (const l of listeners) l();
    expect(live.current.ticketPageBase).toBe('https://help.metro.example');
    expect(live.current.acceptedCards.cities).toEqual(['1000']);
    expect(live.state()).toEqual({ version: 7, waiting: null });
  });
});
