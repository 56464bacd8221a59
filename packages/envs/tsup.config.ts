import { defineConfig } from 'tsup';

export default defineConfig({
  // worker.ts is a separate entry: VectorEnv starts it as dist/worker.js.
  entry: ['src/index.ts', 'src/worker.ts', 'src/cli.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  target: 'node20',
});
