// Sentences of README.md that name files, say how central stores things, or give the test suite's
// numbers, checked against the tree.
import { existsSync, globSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listCardImages } from '../../hardware-sim/virtual-card/load.js';
import { createSessionMachine } from '../../kiosk/flows/session.js';
import { CARD_FAMILIES } from '../../shared/card.js';
import vitestConfig from '../../vitest.config.js';
import { loadPublishedCards } from '../support/published-cards.js';
import { readmeFileCounts, readmeTestTable } from '../support/readme-counts-reporter.js';
import { DIAGNOSIS } from './flows-fixtures.js';
import { allTransitions } from './session-transitions.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

const importers = (pkg: string): string[] =>
  ['driver', 'shared', 'kiosk', 'central', 'hardware-sim']
    .flatMap(sources)
    .filter((f) => new RegExp(`from '${pkg}'|import\\('${pkg}'\\)|require\\('${pkg}'\\)`).test(readFileSync(join(ROOT, f), 'utf8')))
    .sort();

/** The README text that starts with `start`, up to the next blank line or list item. */
function paragraph(start: string): string {
  const at = README.indexOf(start);
  expect(at, `README has a paragraph starting "${start}"`).toBeGreaterThanOrEqual(0);
  const ends = ['\n\n', '\n- '].map((e) => README.indexOf(e, at + 1)).filter((i) => i > 0);
  return README.slice(at, ends.length > 0 ? Math.min(...ends) : undefined);
}

describe('README claims', () => {
  it('names exactly the files that import sqlite3', () => {
    const named = [...paragraph('*The `sqlite3` package').matchAll(/`([\w/.-]+\.ts)`/g)].map((m) => m[1]).filter((f) => !f?.endsWith('.test.ts')).sort();
    expect(named).toEqual(importers('sqlite3'));
  });

  it('says where the call queue lives on PostgreSQL as the call routes open it', () => {
    const central = paragraph('- **Central**');
    const queueInPostgres = readFileSync(join(ROOT, 'central/calls/index.ts'), 'utf8').includes('PgCallStore.open(');
    if (queueInPostgres) expect(central).toMatch(/PostgreSQL[^.]*call queue/);
    else {
      expect(central).not.toMatch(/stateless|any instance/);
      expect(central).toMatch(/call queue[^.]*SQLite/);
    }
  });
});

/** The README's "### In numbers" section, whitespace folded. */
const inNumbers = (): string => {
  const at = README.indexOf('### In numbers');
  expect(at, 'README has "### In numbers"').toBeGreaterThanOrEqual(0);
  return README.slice(at, README.indexOf('\n#', at + 1)).replaceAll(/\s+/g, ' ');
};

/** The bold number right before `after` in the "In numbers" section. */
function bold(after: string): number {
  const m = new RegExp(`\\*\\*(\\d+)\\*\\* ${after.replaceAll(/[.*+?^${}()|[\]\\`]/g, '\\$&')}`).exec(inNumbers());
  expect(m, `"**N** ${after}" in README's In numbers`).not.toBeNull();
  return Number(m![1]);
}

/** `const NAME = <integer>` in a source file (a test's own constant). */
function constant(file: string, name: string): number {
  const m = new RegExp(`const ${name} = (\\d+);`).exec(readFileSync(join(ROOT, file), 'utf8'));
  expect(m, `${file} declares ${name}`).not.toBeNull();
  return Number(m![1]);
}

describe('README test counts', () => {
  it('name each group with the number of files it runs, and a test count the reporter checks after every whole-group run', () => {
    const table = readmeTestTable(README);
    const projects = (vitestConfig.test?.projects ?? []) as { test: { name: string; include: string[] } }[];
    expect([...table.keys()]).toEqual(projects.map((p) => p.test.name));
    for (const p of projects) {
      const files = new Set(p.test.include.flatMap((pattern) => globSync(pattern, { cwd: ROOT, exclude: (f) => f.includes('node_modules') })));
      expect(table.get(p.test.name)?.files, p.test.name).toBe(files.size);
      expect(table.get(p.test.name)?.tests, p.test.name).toBeGreaterThan(files.size);
    }
    expect(vitestConfig.test?.reporters).toContain('./test/support/readme-counts-reporter.ts');
  });

  it('"N tests in `file`" name files that exist', () => {
    const counted = readmeFileCounts(README);
    expect(counted.size).toBeGreaterThanOrEqual(5);
    for (const file of counted.keys()) expect(existsSync(join(ROOT, file)), file).toBe(true);
  });

  it('crash and power-loss figures are the constants the tests run with', () => {
    expect(bold('SIGKILLs of the writer while it creates')).toBe(constant('test/integration/crash-create.test.ts', 'ROUNDS'));
    const sync = ['CREATE_AND_SYNC_ROUNDS', 'SYNC_ONLY_ROUNDS'].map((n) => constant('test/integration/crash-sync.test.ts', n));
    expect(bold('while it syncs')).toBe(sync[0]! + sync[1]!);
    expect(inNumbers()).toContain(`(${sync[0]} creating and syncing, ${sync[1]} syncing only;`);
    expect(bold('cuts under `synchronous=FULL`')).toBe(constant('test/integration/power-loss.test.ts', 'FULL_ROUNDS'));
    expect(bold('under `synchronous=NORMAL`')).toBe(constant('test/integration/power-loss.test.ts', 'NORMAL_ROUNDS'));
  });

  it('the session machine has as many transition definitions as the README says are walked', () => {
    const machine = createSessionMachine({ clock: { now: () => 0 }, diagnosis: DIAGNOSIS, idleTimeoutMs: 90_000, idleWarningMs: 30_000 });
    expect(bold('transition definitions')).toBe(allTransitions(machine).size);
  });

  it('card images, removal points and published cards are counted from the tree', async () => {
    expect(bold('images read through pcscd')).toBe((await listCardImages()).length);
    expect(bold('APDUs of a T-Union read')).toBe(constant('test/hw/card-removal.test.ts', 'FULL_READ'));
    const published = await loadPublishedCards();
    const whole = published.filter((c) => !c.balanceOnly);
    expect(bold('fixtures')).toBe(published.length);
    expect(bold('of them whole cards')).toBe(whole.length);
    expect(bold('of the 6 families')).toBe(new Set(whole.map((c) => c.family)).size);
    expect(CARD_FAMILIES).toHaveLength(6);
  });
});
