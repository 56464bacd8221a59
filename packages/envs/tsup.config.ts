import { packageBuild } from '@vmbrl/tsconfig/tsup.mjs';

export default packageBuild({
  // worker.ts is a separate entry: VectorEnv starts it as dist/worker.js.
  entry: ['src/index.ts', 'src/browser.ts', 'src/worker.ts', 'src/cli.ts'],
  dts: { entry: ['src/index.ts', 'src/browser.ts'] },
});
