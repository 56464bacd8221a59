// The vitest settings every vmbrl package shares: co-located `src/**/*.test.ts` in forked
// processes (tfjs backends and MuJoCo keep global state), generous timeouts for the runs on
// the cpu backend, and a JSON report per package for the workspace summary of `pnpm test`.
import { defineConfig } from 'vitest/config';

/** A package's vitest config; `test` adds to or replaces the shared settings. */
export function packageTests(test = {}) {
  return defineConfig({
    test: {
      include: ['src/**/*.test.ts'],
      pool: 'forks',
      testTimeout: 120_000,
      hookTimeout: 120_000,
      reporters: ['default', 'json'],
      outputFile: { json: '.vitest/report.json' },
      ...test,
    },
  });
}
