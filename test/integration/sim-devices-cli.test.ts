/**
 * The sim CLI for the serial and HID devices: `serve` as the child process `npm start` runs
 * (its announced paths and IPC URL, a clean stop), and the device commands against a daemon,
 * checked on the kiosk side through the real drivers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SerialCabinetController } from '../../driver/cabinet/cabinet-controller.js';
import { main } from '../../hardware-sim/cli.js';
import type { DeviceUpdate } from '../../shared/devices.js';
import { nextMatching, requireSocat, tempDir, type TempDir } from '../support/pty.js';
import { startSimRig, type SimRig } from '../support/sim-rig.js';
import { systemSerialBinding } from '../../driver/serial/binding.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The kiosk's real cabinet driver opens the daemon's cabinet pty and reads a closed door. */
async function expectCabinetAnswers(ptyDir: string): Promise<void> {
  const cabinet = new SerialCabinetController({ criteria: { path: path.join(ptyDir, 'cabinet') }, binding: systemSerialBinding() });
  await cabinet.start();
  try {
    expect(await cabinet.status()).toMatchObject({ ok: true, value: { door: 'closed' } });
  } finally {
    await cabinet.stop();
  }
}

interface ServeProcess {
  readonly child: ChildProcess;
  readonly lines: string[];
  readonly stderr: string[];
  /** Resolves with the stdout line that matches, or rejects when the process ends first. */
  lineMatching(pattern: RegExp): Promise<string>;
  readonly exited: Promise<number | null>;
}

function spawnServe(args: string[], env: NodeJS.ProcessEnv = process.env): ServeProcess {
  // One process (tsx as a loader, not its CLI wrapper): a SIGTERM reaches the daemon's own handler,
  // with no wrapper in between that may decide, under load, that nobody listens and exit 143.
  const child = spawn(process.execPath, ['--import', 'tsx', 'hardware-sim/cli.ts', 'serve', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const stderr: string[] = [];
  const waiters: { pattern: RegExp; resolve: (l: string) => void }[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    for (const w of waiters.filter((x) => x.pattern.test(line))) w.resolve(line);
  });
  createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    stderr,
    exited,
    lineMatching: (pattern) =>
      new Promise<string>((resolve, reject) => {
        const seen = lines.find((l) => pattern.test(l));
        if (seen) return resolve(seen);
        waiters.push({ pattern, resolve });
        void exited.then((code) => reject(new Error(`serve exited (${code}) before printing ${pattern}: ${stderr.join('\n')}`)));
      }),
  };
}

describe('sim serve (as `npm start` runs it)', () => {
  let dir: TempDir;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    requireSocat();
    dir = await tempDir('sim-serve');
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await dir?.remove();
  });

  it('announces the pty paths and the HID IPC URL, serves them, and removes the ptys on SIGTERM', async () => {
    const ptyDir = path.join(dir.path, 'sim');
    const serve = spawnServe(['--port', '0', '--pty-dir', ptyDir, '--receipts', path.join(dir.path, 'receipts')]);
    children.push(serve.child);
    const ready = await serve.lineMatching(/^sim: control API and panel on http:\/\/127\.0\.0\.1:\d+$/);
    const port = /:(\d+)$/.exec(ready)?.[1];
    expect(serve.lines[0]).toMatch(new RegExp(`^sim: printer on ${ptyDir}/printer \\(receipts in ${dir.path}/receipts/run-\\d{4}-\\d\\d-\\d\\dT[\\d-]+Z\\)$`));
    expect(serve.lines.slice(1)).toEqual([
      `sim: cabinet controller on ${ptyDir}/cabinet`,
      `sim: HID scanner and help buttons in injected-reports mode over IPC (not kernel uhid): ws://127.0.0.1:${port}/api/hid/ipc`,
      `sim: control API and panel on http://127.0.0.1:${port}`,
    ]);
    await expectCabinetAnswers(ptyDir);
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
    expect(existsSync(path.join(ptyDir, 'printer'))).toBe(false);
    expect(existsSync(path.join(ptyDir, 'cabinet'))).toBe(false);
  });

  it('a second daemon on a busy port refuses before touching the first one’s ptys', async () => {
    const ptyDir = path.join(dir.path, 'shared-sim');
    const first = spawnServe(['--port', '0', '--pty-dir', ptyDir]);
    children.push(first.child);
    const port = /:(\d+)$/.exec(await first.lineMatching(/control API and panel on/))?.[1] ?? '';
    const second = spawnServe(['--port', port, '--pty-dir', ptyDir]);
    children.push(second.child);
    expect(await second.exited).toBe(1);
    expect(second.stderr.join('\n')).toContain(`port ${port} is in use`);
    await expectCabinetAnswers(ptyDir);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
  });

  it('--no-serial runs without printer and cabinet and says so', async () => {
    const serve = spawnServe(['--port', '0', '--no-serial']);
    children.push(serve.child);
    await serve.lineMatching(/control API and panel on/);
    expect(serve.lines).toContain('sim: no printer or cabinet (--no-serial)');
    expect(serve.lines.some((l) => l.includes('printer on'))).toBe(false);
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
  });

  it('without socat, refuses to start and says how to fix it', async () => {
    const serve = spawnServe(['--port', '0', '--pty-dir', path.join(dir.path, 'none')], { ...process.env, PATH: path.join(dir.path, 'empty-path') });
    children.push(serve.child);
    expect(await serve.exited).toBe(1);
    expect(serve.stderr.join('\n')).toContain('socat is not installed');
    expect(serve.stderr.join('\n')).toContain('--no-serial');
  });
});

describe('sim device commands', () => {
  let rig: SimRig;

  async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main([...args, '--port', String(rig.server.port)], { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  beforeAll(async () => {
    rig = await startSimRig('sim-cli');
  });

  afterAll(async () => {
    await rig?.stop();
  });

  it('printer paper out / near-end / ok and cover open / closed', async () => {
    expect(await cli('printer', 'paper', 'out')).toMatchObject({ code: 0, out: expect.stringContaining('paper out') as unknown });
    expect(await rig.printer.status()).toMatchObject({ ok: true, value: { paperOut: true } });
    expect((await cli('printer', 'paper', 'near-end')).code).toBe(0);
    expect(await rig.printer.status()).toMatchObject({ ok: true, value: { paperOut: false, paperNearEnd: true } });
    expect((await cli('printer', 'paper', 'ok')).code).toBe(0);
    expect(await cli('printer', 'cover', 'open')).toMatchObject({ code: 0, out: expect.stringContaining('cover open') as unknown });
    expect(await rig.printer.status()).toMatchObject({ ok: true, value: { coverOpen: true } });
    expect((await cli('printer', 'cover', 'closed')).code).toBe(0);
    expect(await rig.printer.status()).toEqual({ ok: true, value: { online: true, paperOut: false, paperNearEnd: false, coverOpen: false } });
  });

  it('cabinet door and power', async () => {
    const opened = nextMatching<DeviceUpdate>((l) => rig.cabinet.subscribe(l), (u) => u.type === 'cabinet-status' && u.status.door === 'open', 'door open');
    expect(await cli('cabinet', 'door', 'open')).toMatchObject({ code: 0, out: expect.stringContaining('door open') as unknown });
    await opened;
    expect((await cli('cabinet', 'door', 'closed')).code).toBe(0);
    const battery = nextMatching<DeviceUpdate>((l) => rig.cabinet.subscribe(l), (u) => u.type === 'cabinet-status' && u.status.power === 'battery', 'on battery');
    expect(await cli('cabinet', 'power', 'battery', '--battery', '72')).toMatchObject({ code: 0, out: expect.stringContaining('power battery, battery 72%') as unknown });
    expect(await battery).toMatchObject({ status: { power: 'battery', batteryPercent: 72 } });
    expect((await cli('cabinet', 'power', 'mains')).code).toBe(0);
    expect(await rig.cabinet.status()).toMatchObject({ ok: true, value: { power: 'mains', door: 'closed' } });
  });

  it('scan and press reach the kiosk’s HID driver', async () => {
    const scanned = nextMatching<DeviceUpdate>((l) => rig.hid.subscribe(l), (u) => u.type === 'qr-scan', 'scan');
    expect(await cli('scan', 'GZ0102-261123-0042-7')).toMatchObject({ code: 0, out: 'scanned "GZ0102-261123-0042-7": 1 report(s) to 1 kiosk connection(s)' });
    expect(await scanned).toMatchObject({ scan: { text: 'GZ0102-261123-0042-7' } });
    const wedge = nextMatching<DeviceUpdate>((l) => rig.hid.subscribe(l), (u) => u.type === 'qr-scan', 'wedge scan');
    expect((await cli('scan', 'ABC-123', '--keyboard')).code).toBe(0);
    expect(await wedge).toMatchObject({ scan: { text: 'ABC-123', symbology: null } });
    const pressed = nextMatching<DeviceUpdate>((l) => rig.hid.subscribe(l), (u) => u.type === 'help-button', 'press');
    expect((await cli('press', 'information')).code).toBe(0);
    expect(await pressed).toMatchObject({ press: { button: 'information' } });
  });

  it('lists every device', async () => {
    const { code, out } = await cli('devices');
    expect(code).toBe(0);
    expect(out).toContain(`printer plugged at ${path.join(rig.dir.path, 'sim', 'printer')}: paper ok, cover closed`);
    expect(out).toContain(`cabinet plugged at ${path.join(rig.dir.path, 'sim', 'cabinet')}: door closed`);
    expect(out).toContain(`HID (injected-reports over IPC, not kernel uhid) at ws://127.0.0.1:${rig.server.port}/api/hid/ipc, 1 client(s)`);
  });

  it('explains usage errors (exit 2) and daemon refusals (exit 1)', async () => {
    expect(await cli('printer', 'paper', 'empty')).toMatchObject({ code: 2, err: expect.stringContaining('usage: printer paper ok|near-end|out') as unknown });
    expect((await cli('printer')).code).toBe(2);
    expect((await cli('cabinet', 'door')).code).toBe(2);
    expect((await cli('cabinet', 'temperature', 'hot')).code).toBe(2);
    expect((await cli('press', 'panic')).code).toBe(2);
    expect((await cli('scan')).code).toBe(2);
    expect(await cli('scan', '体育西路', '--keyboard')).toMatchObject({ code: 1, err: expect.stringContaining('cannot type "体"') as unknown });
    expect(await cli('cabinet', 'temperature', '500')).toMatchObject({ code: 1, err: expect.stringContaining('must be a number from -40 to 100') as unknown });
    expect((await cli('devices')).out).toContain('paper ok');
  });
});
