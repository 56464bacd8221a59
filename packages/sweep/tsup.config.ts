import { defineConfig } from 'tsup';

export default defineConfig({
  // The parent guard is preloaded into every cell's child process (`node --import`), so it is a
  // script file of its own. `testing` starts a real redis-server for the tests of the packages
  // that use the queue (`@vmbrl/sweep/testing`).
  entry: {
    index: 'src/index.ts',
    'parent-guard': 'src/parent-guard.ts',
    testing: 'src/testing/redis-server.ts',
  },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts', testing: 'src/testing/redis-server.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
});
