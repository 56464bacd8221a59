import { packageTests } from '@vmbrl/tsconfig/vitest.mjs';

export default packageTests();
