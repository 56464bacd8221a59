import { defineConfig } from 'tsup';

export default defineConfig({
  // The worker and the CLI are separate entry points: a worker thread needs a script file.
  entry: ['src/index.ts', 'src/disk-sampler-worker.ts', 'src/cli.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  target: 'node20',
});
