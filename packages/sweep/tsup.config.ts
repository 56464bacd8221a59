import { defineConfig } from 'tsup';

export default defineConfig({
  // The parent guard is preloaded into every cell's child process (`node --import`), so it is a
  // script file of its own.
  entry: ['src/index.ts', 'src/parent-guard.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  target: 'node20',
});
