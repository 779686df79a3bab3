// Checks the README's test counts against the run: after a run that covered every file of a
// group (no file or name filter), the files and tests Vitest collected in that group must be the
// numbers of the README's `| \`group\` | files | tests |` row; every file of the run that the
// README counts ("N tests in `path`") must have N tests. A difference fails the run and names
// the number to write. A run filtered by test name (`-t`) is not checked.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Reporter, TestModule, TestRunEndReason, Vitest } from 'vitest/node';

/** `{ unit: { files, tests }, … }` from the README's test table. */
export function readmeTestTable(readme: string): Map<string, { files: number; tests: number }> {
  const out = new Map<string, { files: number; tests: number }>();
  for (const m of readme.matchAll(/^\| `([\w-]+)` \| (\d[\d,]*) \| (\d[\d,]*) \|/gm)) {
    out.set(m[1]!, { files: Number(m[2]!.replaceAll(',', '')), tests: Number(m[3]!.replaceAll(',', '')) });
  }
  return out;
}

/** `path → N` for every "N tests in `path`" of the README. */
export function readmeFileCounts(readme: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of readme.replaceAll(/\s+/g, ' ').matchAll(/(\d[\d,]*) tests in `([\w/.-]+\.test\.ts)`/g)) out.set(m[2]!, Number(m[1]!.replaceAll(',', '')));
  return out;
}

export default class ReadmeCountsReporter implements Reporter {
  #vitest: Vitest | null = null;

  onInit(vitest: Vitest): void {
    this.#vitest = vitest;
  }

  async onTestRunEnd(testModules: ReadonlyArray<TestModule>, _errors: unknown, reason: TestRunEndReason): Promise<void> {
    const vitest = this.#vitest;
    if (vitest === null || reason === 'interrupted' || vitest.config.testNamePattern !== undefined) return;
    const all = await vitest.globTestSpecifications();
    const readme = readFileSync(path.join(vitest.config.root, 'README.md'), 'utf8');
    const table = readmeTestTable(readme);
    const drift: string[] = [];
    for (const project of new Set(all.map((s) => s.project.name))) {
      const files = new Set(all.filter((s) => s.project.name === project).map((s) => s.moduleId));
      const ran = testModules.filter((m) => m.project.name === project);
      if (ran.length !== files.size || !ran.every((m) => files.has(m.moduleId))) continue;
      const tests = ran.reduce((n, m) => n + [...m.children.allTests()].length, 0);
      const says = table.get(project);
      if (says?.tests !== tests || says.files !== files.size) {
        drift.push(`group ${project}: the run has ${files.size} files and ${tests} tests, README.md says ${says ? `${says.files} and ${says.tests}` : 'nothing'}`);
      }
    }
    for (const [file, says] of readmeFileCounts(readme)) {
      const mod = testModules.find((m) => m.moduleId === path.join(vitest.config.root, file));
      const tests = mod === undefined ? null : [...mod.children.allTests()].length;
      if (tests !== null && tests !== says) drift.push(`${file}: the run has ${tests} tests, README.md says ${says}`);
    }
    if (drift.length === 0) return;
    process.stdout.write(`\nREADME test counts are out of date (update the table in README.md, "## Tests"):\n${drift.map((d) => `  ${d}\n`).join('')}`);
    process.exitCode = 1;
  }
}
