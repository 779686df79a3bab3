// Sentences of README.md that name files or say how central stores things, checked against the tree.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

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

  it('says where the call queue lives, and calls PostgreSQL instances stateless only when it is not in SQLite', () => {
    const central = paragraph('- **Central**');
    const queueInSqlite = importers('sqlite3').some((f) => f.startsWith('central/calls/'));
    if (queueInSqlite) {
      expect(central).not.toMatch(/stateless/);
      expect(central).toMatch(/call queue[^.]*SQLite/);
    } else expect(central).not.toMatch(/call queue[^.]*SQLite/);
  });
});
