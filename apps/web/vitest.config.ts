import { packageTests } from '@vmbrl/tsconfig/vitest.mjs';

// One Chromium at a time: the page tests share the built page and a static server.
export default packageTests({ fileParallelism: false });
