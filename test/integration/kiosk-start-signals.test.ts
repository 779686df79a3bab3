// `kiosk start` stops cleanly on a SIGTERM that comes the moment it announces itself (as systemd
// or a script reading its banner may send one): the runtime and its socket are closed and it
// exits 0, instead of dying of the signal.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAUNCH_SOCKET } from '../../kiosk/appliance/launch-socket.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiosk-start-signals-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
}

/** Starts `kiosk start` and sends one SIGTERM as soon as a line matching `when` is printed. */
async function startAndStop(when: RegExp, dataDir: string): Promise<Run> {
  const file = join(dir, `${when.source.replace(/\W/g, '')}.json`);
  await writeFile(
    file,
    JSON.stringify({
      stationId: 'SIG-TEST',
      stationName: { zh: '信号测试站', en: 'Signal Test Station' },
      kioskId: 'SIG-K01',
      kioskCode: 'SIG1',
      cityCode: '5810',
      languages: ['zh', 'en'],
      defaultLanguage: 'zh',
      // Nothing listens here: the sync worker just finds central away.
      central: { url: 'http://127.0.0.1:9', token: 'signal-test-kiosk-token-01' },
      ui: { port: 0 },
      // A reader pcscd does not have: this test never takes a card from anyone's virtual reader.
      readerName: 'No Such Reader 99',
      printerPath: null,
      cabinetPath: null,
      hid: null,
      dataDir,
    }),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'kiosk/cli.ts'), 'start', '--config', file, '--no-browser', '--no-sim', '--no-central', '--demo'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let sent = false;
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    out += line + '\n';
    if (!sent && when.test(line)) {
      sent = true;
      child.kill('SIGTERM');
    }
  });
  return new Promise<Run>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, out })));
}

describe('kiosk start and its stop signals', () => {
  it('stops cleanly on a SIGTERM sent the moment its banner ends', async () => {
    const dataDir = join(dir, 'banner');
    const run = await startAndStop(/Ctrl-C stops everything/, dataDir);
    expect(run.signal, run.out).toBeNull();
    expect(run.code, run.out).toBe(0);
    expect(run.out).toContain('stopping (SIGTERM)');
    expect(run.out).toMatch(/stopped\.\n/);
    // What the clean stop closes: the launch socket for the window service is gone.
    expect(existsSync(join(dataDir, LAUNCH_SOCKET))).toBe(false);
  }, 90_000);

  it('stops cleanly on a SIGTERM sent at its first line, before it serves', async () => {
    const dataDir = join(dir, 'first-line');
    const run = await startAndStop(/./, dataDir);
    expect(run.signal, run.out).toBeNull();
    expect(run.code, run.out).toBe(0);
    expect(run.out).toMatch(/stopped\.\n/);
  }, 90_000);
});
