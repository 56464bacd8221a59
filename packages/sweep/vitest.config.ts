import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    pool: 'forks',
    // The tests mostly wait for child processes and timers, not for the CPU: two files at once
    // halve the wall-clock even on a 2-core machine.
    maxWorkers: 2,
    minWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The JSON report feeds the workspace summary printed at the end of `pnpm test`.
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest/report.json' },
  },
});
