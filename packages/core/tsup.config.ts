import { packageBuild } from '@vmbrl/tsconfig/tsup.mjs';

// `@vmbrl/core/testing` (real child processes for tests) is an entry of its own, so that the
// main entry carries no test helpers.
export default packageBuild({
  entry: ['src/index.ts', 'src/browser.ts', 'src/testing/processes.ts'],
});
