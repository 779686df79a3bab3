// The production path on the pinned Node: the compiled kiosk (dist/app, no tsx) loads every
// native addon and reads a card through pcscd.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCardImage } from '../../hardware-sim/virtual-card/index.js';
import { buildApp } from '../../scripts/build.js';
import type { VersionReport } from '../../kiosk/appliance/versions.js';
import { CARD_SLOT, tapCard } from '../support/pcsc-card.js';
import { runNode, type CliRun } from '../support/run-cli.js';

const PINNED = readFileSync(new URL('../../.node-version', import.meta.url), 'utf8').trim();

function compiledKiosk(args: string[]): Promise<CliRun> {
  // The node that runs this test is the pinned one (scripts/node.sh); the child is plain node on compiled JS.
  return runNode(['dist/app/kiosk/cli.js', ...args], { env: { ...process.env, NODE_OPTIONS: '' } });
}

describe('the pinned runtime, compiled', () => {
  beforeAll(async () => {
    await buildApp();
  });

  it('runs on the pinned Node and loads every native addon', async () => {
    const r = await compiledKiosk(['version', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as VersionReport;
    expect(report.node.version).toBe(`v${PINNED}`);
    expect(report.kiosk.compiled).toBe(true);
    expect(report.addons.map((a) => a.name).sort()).toEqual(['@pokusew/pcsclite', '@serialport/bindings-cpp', 'node-hid', 'sqlite3']);
    for (const addon of report.addons) expect({ name: addon.name, loads: addon.loads, error: addon.error }).toEqual({ name: addon.name, loads: true, error: null });
    expect(report.addons.find((a) => a.name === 'sqlite3')?.library).toMatch(/^sqlite 3\.\d+\.\d+$/);
    expect(report.pcscd).toEqual({ version: expect.stringMatching(/^\d+\.\d+\.\d+$/) as unknown, running: true });
  });

  it('prints the versions for a person, one line per addon', async () => {
    const r = await compiledKiosk(['version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`node    v${PINNED}`);
    expect(r.stdout).toMatch(/@pokusew\/pcsclite\s+0\.6\.0\s+nan\s+loads/);
    expect(r.stdout).toContain('compiled JavaScript');
  });

  it('reads a card through pcscd with the compiled card reader host', async () => {
    const image = await loadCardImage('t-union-guangzhou-ok');
    const card = await tapCard(image);
    try {
      const r = await compiledKiosk(['card', 'read', '--reader', CARD_SLOT.reader, '--timeout', '20', '--json']);
      expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ family: 't-union', cardNumber: image.expected.cardNumber, balance: image.expected.balance });
    } finally {
      await card.remove();
    }
  });
});
