import { packageBuild } from '@vmbrl/tsconfig/tsup.mjs';

export default packageBuild({
  // The worker and the CLI are separate entry points: a worker thread needs a script file.
  entry: ['src/index.ts', 'src/disk-sampler-worker.ts', 'src/cli.ts'],
  dts: { entry: 'src/index.ts' },
});
