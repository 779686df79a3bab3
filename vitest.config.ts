import { defineConfig } from 'vitest/config';

/**
 * Three groups, run one after another:
 * - unit: pure code, pseudo-terminals, SQLite files, loopback servers, device contracts against
 *   the in-memory bindings; files in parallel.
 * - hw: suites that use pcscd's two virtual readers, and the device contracts against the
 *   simulator behind the real OS interface and against real devices; one file at a time (the readers are shared).
 * - e2e: real Chromium against the real runtime; one file at a time.
 * After a run of a whole group, its file and test counts must be the README's (readme-counts-reporter).
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 20_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default', './test/support/summary-reporter.ts', './test/support/readme-counts-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{driver,shared,kiosk,central,hardware-sim}/**/*.test.ts', 'test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/security/**/*.test.ts', 'test/contract/**/*.memory.test.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'hw',
          include: ['test/hw/**/*.test.ts', 'test/contract/**/*.hw.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 90_000,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
