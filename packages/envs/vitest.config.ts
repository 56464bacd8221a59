import { packageTests } from '@vmbrl/tsconfig/vitest.mjs';

// VectorEnv tests start dist/worker.js: the global setup builds it when it is stale.
export default packageTests({ globalSetup: ['./vitest.global-setup.ts'] });
