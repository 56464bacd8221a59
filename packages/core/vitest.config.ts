import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The JSON report feeds the workspace summary printed at the end of `pnpm test`.
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest/report.json' },
  },
});
