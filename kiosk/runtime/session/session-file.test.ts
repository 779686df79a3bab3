import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SessionFile } from './session-file.js';

const dir = await mkdtemp(join(tmpdir(), 'kiosk-session-file-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('SessionFile', () => {
  it('has nothing before the first save, then gives back the newest of several quick saves', async () => {
    const file = new SessionFile(join(dir, 'a', 'session.json'));
    expect(await file.load()).toEqual({ ok: true, value: null });
    for (let i = 0; i < 50; i++) file.save({ snapshot: { step: i }, savedAt: i });
    await file.flush();
    expect(await file.load()).toEqual({ ok: true, value: { snapshot: { step: 49 }, savedAt: 49 } });
    await file.clear();
    expect(await file.load()).toEqual({ ok: true, value: null });
  });

  it('reports a damaged or foreign file instead of using it', async () => {
    const path = join(dir, 'bad.json');
    await writeFile(path, '{"format":1,"snap');
    expect(await new SessionFile(path).load()).toMatchObject({ ok: false });
    await writeFile(path, JSON.stringify({ format: 99, snapshot: {}, savedAt: 1 }));
    expect(await new SessionFile(path).load()).toEqual({ ok: false, reason: 'unknown session file format' });
    expect(await readFile(path, 'utf8')).toContain('"format":99');
  });
});
